#!/bin/sh
# Run inside the guest: makes the device-dax instance and the slow device,
# then runs the reproducer with one teardown while the read is in flight:
#   guest.sh disable   ndctl disable-namespace (default)
#   guest.sh unbind    unbind the dax device from device_dax through sysfs
# A kernel that has the bug oopses here; one that has not prints the last
# line "kernel: no oops".
here=$(dirname "$0")
set -- $(sh "$here/setup.sh") "${1:-disable}"
dev=$1 ns=$2 slow=$3 how=$4
case $how in
  disable) "$here/repro" "$dev" "$slow" ndctl disable-namespace "$ns" ;;
  unbind) "$here/repro" "$dev" "$slow" sh -c "echo ${dev#/dev/} > /sys/bus/dax/drivers/device_dax/unbind" ;;
  *) echo "guest.sh: unknown teardown '$how' (disable or unbind)"; exit 2 ;;
esac
sleep 2
if dmesg | grep -qE 'Oops|BUG:|WARNING:'; then
  dmesg | grep -E 'Oops|BUG:|WARNING:'
  echo "kernel: oops"
else
  echo "kernel: no oops"
fi
