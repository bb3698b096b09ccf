#!/bin/sh
# Makes what repro.c needs: a 512 MiB device-dax instance (2 MiB alignment)
# on the first pmem region, and a slow block device: a 64 MiB brd RAM disk
# behind dm-delay, whose reads take 5 s. Prints "DAXDEV NAMESPACE SLOWDEV".
# Meant for a throwaway guest: it disables the regions for a moment to
# write labels on an emulated NVDIMM.
set -eu
for module in nfit nd_pmem dax_pmem device_dax dm-delay; do modprobe "$module"; done
modprobe brd rd_nr=1 rd_size=65536
# A fresh NVDIMM has an empty label area: the region then offers only one
# label-less namespace that cannot be sub-divided. Write the label index
# (init-labels leaves a DIMM that already has one alone).
ndctl disable-region all >/dev/null
ndctl init-labels all >/dev/null 2>&1 || true
ndctl enable-region all >/dev/null
json=$(ndctl create-namespace --mode=devdax --align=2M --size=512M)
dev=$(echo "$json" | sed -n 's/.*"chardev":"\([^"]*\)".*/\1/p' | head -n 1)
ns=$(echo "$json" | sed -n 's/.*"dev":"\(namespace[^"]*\)".*/\1/p' | head -n 1)
[ -n "$dev" ] && [ -n "$ns" ] || { echo "setup.sh: ndctl made no device-dax instance: $json" >&2; exit 1; }
# brd's rd_size is in KiB; dm-delay: read delay 5000 ms, writes undelayed.
[ -b /dev/ram0 ] || { echo "setup.sh: no /dev/ram0 (brd loaded with rd_nr=0?)" >&2; exit 1; }
sectors=$(cat /sys/block/ram0/size)
# No udev in the guest: dmsetup makes the /dev/mapper node itself.
export DM_DISABLE_UDEV=1
dmsetup create --noudevsync slow --table "0 $sectors delay /dev/ram0 0 5000 /dev/ram0 0 0"
[ -b /dev/mapper/slow ] || dmsetup mknodes slow
echo "/dev/$dev $ns /dev/mapper/slow"
