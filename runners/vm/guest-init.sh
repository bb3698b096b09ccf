#!/bin/sh
# /init of the test guest. The initramfs is the guest's whole root (see
# runners/vm/guest_image.h): nothing of the host is mounted but the run
# folder, read-write over 9p, where the host left the command to run and
# where every result lands as soon as it is written.
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

shell=
for word in $(cat /proc/cmdline); do
  case $word in
    daxtorture.shell=1) shell=1 ;;
    daxtorture.probe=1)
      # Accelerator probe: reaching userspace is all the host wants to know.
      echo "daxtorture-init: probe ok"
      poweroff -f ;;
  esac
done
kver=$(cat /proc/sys/kernel/osrelease)
[ -d "/lib/modules/$kver" ] ||
  fatal "the image holds no modules for kernel $kver (built for $(ls /lib/modules)); rebuild it for this kernel"

mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

if [ -n "$shell" ]; then
  # A farm (LAVA) runs its own test definition: a root shell on the
  # console instead of the host's run.sh; results stay in this root.
  # LAVA attaches its test overlay as a virtio disk holding ext2 and mounts
  # it by /dev/disk/by-uuid/UUID; with no udev here, the links are made
  # from blkid. Its test scripts want the common tools (date, mv, find,
  # ...): every busybox applet goes into a folder of its own, last in PATH,
  # so the real programs (kmod's modprobe, util-linux's umount) come first.
  for mod in virtio_pci virtio_blk ext4; do
    out=$(modprobe "$mod" 2>&1) || echo "daxtorture-init: modprobe $mod failed: $out"
  done
  mkdir -p /usr/local/busybox /dev/disk/by-uuid
  busybox --install -s /usr/local/busybox
  export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/busybox
  # Disks show up asynchronously after their driver loads.
  for try in 1 2 3 4 5 6 7 8 9 10; do
    ls /sys/block | grep -q '^vd' && break
    sleep 0.5
  done
  for dev in /sys/block/*; do
    name=${dev##*/}
    uuid=$(blkid -s UUID -o value "/dev/$name" 2>/dev/null) || continue
    [ -n "$uuid" ] && ln -sf "../../$name" "/dev/disk/by-uuid/$uuid"
  done
  # Only emergencies and alerts on the console: LAVA parses the console
  # line by line, and a kernel message printed into the middle of a result
  # or file line would corrupt it. Each instance keeps its own kernel log
  # slice (read from /dev/kmsg) whatever the console level.
  dmesg -n 2
  export PS1='daxtorture-guest:$PWD# '
  echo "daxtorture-init: userspace ready, kernel $kver; shell on the console"
  exec setsid cttyhack sh -l
fi

# virtio_pci is built in on 6.12, a module on 6.1 (modprobe of a built-in
# module succeeds).
for mod in virtio_pci 9pnet_virtio 9p; do
  out=$(modprobe "$mod" 2>&1) || fatal "modprobe $mod failed: $out"
done
mkdir -p /run/daxtorture/results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,rw results /run/daxtorture/results ||
  fatal "cannot mount the results directory over 9p"

[ -r /run/daxtorture/results/.guest/run.sh ] ||
  fatal "the host left no .guest/run.sh in the results directory"
echo "daxtorture-init: userspace ready, kernel $kver"
cd /
/bin/sh /run/daxtorture/results/.guest/run.sh
echo "daxtorture-init: guest command exited with status $?"
sync
umount /run/daxtorture/results 2>/dev/null
poweroff -f
