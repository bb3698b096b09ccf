#!/bin/sh
# Makes what repro.c needs: a 1 GiB fsdax namespace on the first pmem region
# and xfs with reflink on it, mounted -o dax on /mnt/dax.
# Meant for a throwaway guest: it disables the regions for a moment to
# write labels on an emulated NVDIMM.
set -eu
for module in nfit nd_pmem dax_pmem xfs; do modprobe "$module"; done
ndctl disable-region all >/dev/null
ndctl init-labels all >/dev/null 2>&1 || true
ndctl enable-region all >/dev/null
json=$(ndctl create-namespace --mode=fsdax --map=dev --size=1G)
dev=$(echo "$json" | sed -n 's/.*"blockdev":"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$dev" ] || { echo "setup.sh: ndctl made no fsdax namespace: $json" >&2; exit 1; }
mkfs.xfs -f -q -m reflink=1 "/dev/$dev"
mkdir -p /mnt/dax
mount -o dax "/dev/$dev" /mnt/dax
echo "/dev/$dev"
