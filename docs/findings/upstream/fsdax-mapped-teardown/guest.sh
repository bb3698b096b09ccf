#!/bin/sh
# Run inside the guest: makes the fsdax namespace and the filesystem
# ("guest.sh ext4" for ext4, xfs otherwise), maps a file, unbinds the pmem
# driver under it the way ndctl disable-namespace does, then unmaps,
# removes the file and unmounts. A kernel that has the bug oopses here; one
# that has not prints the last line "kernel: no oops".
here=$(dirname "$0")
set -- $(sh "$here/setup.sh" "${1:-xfs}")
dev=$1 bound=$2
driver=$(basename "$(readlink -f "/sys/bus/nd/devices/$bound/driver")")
"$here/repro" /mnt/dax/file sh -c "echo $bound > /sys/bus/nd/drivers/$driver/unbind"
echo "guest.sh: umount /mnt/dax"
umount /mnt/dax
sleep 2
if dmesg | grep -qE 'Oops|BUG:|WARNING:'; then
  dmesg | grep -E 'Oops|BUG:|WARNING:'
  echo "kernel: oops"
else
  echo "kernel: no oops"
fi
