#!/bin/sh
# /init of the test guest. Reaches the host's root over 9p (read-only), puts
# a tmpfs overlay on it so the guest can write anywhere, mounts the host's
# results directory read-write, and runs the command the host left there.
# Kernel command line parameters it reads:
#   daxtorture.modroot=DIR   host path holding lib/modules/$(uname -r)
# Every failure here ends in a line starting "daxtorture-init: FATAL" on the
# console, which the host turns into a BROKEN run with that line as reason.

fatal() {
  echo "daxtorture-init: FATAL: $*"
  poweroff -f
  sleep 5
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

modroot=
for word in $(cat /proc/cmdline); do
  case $word in
    daxtorture.modroot=*) modroot=${word#daxtorture.modroot=} ;;
    daxtorture.probe=1)
      # Accelerator probe: reaching userspace is all the host wants to know.
      echo "daxtorture-init: probe ok"
      poweroff -f ;;
  esac
done
kver=$(cat /proc/sys/kernel/osrelease)

while read -r mod; do
  insmod "/modules/$mod" || fatal "insmod $mod failed"
done < /modules/order

p9opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$p9opts,ro" host /host || fatal "cannot mount the host root over 9p"
mount -t tmpfs -o mode=755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /newroot ||
  fatal "cannot mount the overlay root"

for fs in proc sys dev; do
  mkdir -p "/newroot/$fs"
done
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
# /tmp and /run stay as the overlay shows them: the daxtorture binary may
# live in the host's /tmp (a CI clone), and the overlay is writable anyway.
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/dev/shm
mount -t tracefs tracefs /newroot/sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /newroot/sys/kernel/debug 2>/dev/null

# The guest kernel's modules, where modprobe in the chroot looks for them.
# Bound from the 9p mount itself, not through the overlay: the host may
# rewrite modules.dep while a run goes on (depmod, a rebuilt fault module),
# and overlayfs then keeps serving the replaced files' stale dentries, so
# every later modprobe failed with "Module ... not found".
if [ -n "$modroot" ] && [ -d "/host$modroot/lib/modules/$kver" ]; then
  mkdir -p "/newroot/lib/modules/$kver"
  mount -o bind "/host$modroot/lib/modules/$kver" "/newroot/lib/modules/$kver"
else
  echo "daxtorture-init: no module tree for $kver under '$modroot'"
fi

mkdir -p /newroot/run/daxtorture/results
mount -t 9p -o "$p9opts,rw" results /newroot/run/daxtorture/results ||
  fatal "cannot mount the results directory over 9p"

[ -r /newroot/run/daxtorture/results/.guest/run.sh ] ||
  fatal "the host left no .guest/run.sh in the results directory"
echo "daxtorture-init: userspace ready, kernel $kver"
chroot /newroot /bin/sh /run/daxtorture/results/.guest/run.sh
echo "daxtorture-init: guest command exited with status $?"
sync
umount /newroot/run/daxtorture/results 2>/dev/null
poweroff -f
