#!/bin/sh
# Makes what repro.c needs: a 1 GiB fsdax namespace on the first pmem region,
# a filesystem on it (xfs, or ext4 with "setup.sh ext4") mounted -o dax on
# /mnt/dax. Prints "PMEMDEV BOUNDDEV" (the block device and the nd device
# nd_pmem is bound to, pfnX.Y or namespaceX.Y).
# Meant for a throwaway guest: it disables the regions for a moment to
# write labels on an emulated NVDIMM.
set -eu
fs=${1:-xfs}
for module in nfit nd_pmem dax_pmem "$fs"; do modprobe "$module"; done
# A fresh NVDIMM has an empty label area: the region then offers only one
# label-less namespace that cannot be sub-divided. Write the label index
# (init-labels leaves a DIMM that already has one alone).
ndctl disable-region all >/dev/null
ndctl init-labels all >/dev/null 2>&1 || true
ndctl enable-region all >/dev/null
json=$(ndctl create-namespace --mode=fsdax --map=dev --size=1G)
dev=$(echo "$json" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$dev" ] || { echo "setup.sh: ndctl made no fsdax namespace: $json" >&2; exit 1; }
case $fs in
  xfs) mkfs.xfs -f -q -d su=2m,sw=1 -m reflink=0 "/dev/$dev" ;;
  ext4) mkfs.ext4 -F -q -b 4096 -E stride=512,stripe_width=512 "/dev/$dev" ;;
esac
mkdir -p /mnt/dax
mount -o dax "/dev/$dev" /mnt/dax
bound=$(basename "$(readlink -f "/sys/class/block/$dev/device")")
echo "/dev/$dev $bound"
