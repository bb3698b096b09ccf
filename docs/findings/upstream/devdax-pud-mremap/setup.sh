#!/bin/sh
# Makes the device-dax instance repro.c needs: a 2 GiB namespace in devdax
# mode with 1 GiB alignment on the first pmem region (an emulated NVDIMM is
# enough: qemu -machine pc,nvdimm=on with a 1 GiB-aligned memory backend).
# Prints the device's path (/dev/daxX.Y). Meant for a throwaway guest: it
# disables the regions for a moment to write labels.
set -eu
for module in nfit nd_pmem dax_pmem device_dax; do modprobe "$module"; done
# A fresh NVDIMM has an empty label area: the region then offers only one
# label-less namespace that cannot be sub-divided. Write the label index
# (init-labels leaves a DIMM that already has one alone).
ndctl disable-region all >/dev/null
ndctl init-labels all >/dev/null 2>&1 || true
ndctl enable-region all >/dev/null
json=$(ndctl create-namespace --mode=devdax --align=1G --size=2G)
echo "$json" >&2
dev=$(echo "$json" | sed -n 's/.*"chardev":"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$dev" ] || { echo "setup.sh: ndctl made no device-dax instance" >&2; exit 1; }
echo "/dev/$dev"
