#!/bin/sh
# Runs one LAVA job for real on this machine, as a lab's worker would:
# renders the qemu device configuration for the job's context
# (vm-configs/lava/qemu-device.yaml.jinja2, what a lab's lava-server does
# with its own qemu.jinja2), then lava-run. LAVA builds the job's test
# overlay with libguestfs, which here needs its direct backend under TCG
# and a kernel to boot its helper VM: one of the set-up's Debian kernels.
# lava-run's own log (stderr) goes to LOG; its exit status says whether
# LAVA's actions worked, not what the tests found (read LOG for that).
# usage: lava_run.sh JOB.yaml OUTPUT_DIR LOG
set -eu
job=$1 output=$2 log=$3
here=$(cd "$(dirname "$0")/../.." && pwd)
kernels=${DAXTORTURE_CACHE:-/var/cache/daxtorture}/kernels
supermin_kernel=$(ls "$kernels"/default/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$supermin_kernel" ] || { echo "lava_run.sh: no kernel in $kernels/default/boot; fix: run tools/setup" >&2; exit 2; }
release=${supermin_kernel##*/vmlinuz-}
command -v lava-run >/dev/null || {
  echo "lava_run.sh: lava-run is not installed; fix: apt-get install --no-install-recommends lava-dispatcher (tools/setup does)" >&2
  exit 2
}
mkdir -p "$output"
/usr/bin/python3 "$here/tests/vm/lava_device.py" "$here/vm-configs/lava/qemu-device.yaml.jinja2" "$job" > "$output/device.yaml"
LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
SUPERMIN_KERNEL=$supermin_kernel SUPERMIN_MODULES=$kernels/default/lib/modules/$release \
SUPERMIN_KERNEL_VERSION=$release \
  lava-run --job-id "${LAVA_JOB_ID:-1}" --output-dir "$output/lava" --device "$output/device.yaml" "$job" 2> "$log"
