#!/bin/sh
# Bad input gets exit status 2 and one message that names the problem and
# the fix. None of these cases boots a guest.
set -eu
daxtorture=${DAXTORTURE_BIN:?}
scratch=${DAXTORTURE_TEST_RESULTS:-$(mktemp -d)}
rm -rf "$scratch"; mkdir -p "$scratch"
failures=0

# expect_error WHAT PATTERN COMMAND...: exit status 2, message matching PATTERN.
expect_error() {
  what=$1 pattern=$2; shift 2
  rc=0
  "$@" > "$scratch/out" 2> "$scratch/err" || rc=$?
  if [ "$rc" = 2 ] && grep -Eq -e "$pattern" "$scratch/err"; then
    echo "ok: $what: $(cat "$scratch/err")"
  else
    echo "FAIL: $what: exit $rc, message: $(cat "$scratch/err")" >&2
    failures=$((failures + 1))
  fi
}

expect_error "no QEMU" "QEMU is not installed.*apt-get install qemu-system-x86" \
  env PATH=/nonexistent "$daxtorture" vm
only_qemu=$scratch/only-qemu
mkdir -p "$only_qemu"
ln -sf "$(command -v qemu-system-x86_64)" "$only_qemu/qemu-system-x86_64"
expect_error "no busybox" "busybox is not installed.*apt-get install busybox-static" \
  env PATH="$only_qemu" "$daxtorture" vm
with_busybox=$scratch/qemu-and-busybox
mkdir -p "$with_busybox"
ln -sf "$(command -v qemu-system-x86_64)" "$(command -v busybox)" "$with_busybox/"
if [ "$(id -u)" = 0 ]; then
  expect_error "guest image without its programs" "guest image: 'modprobe' is not installed.*apt-get install kmod" \
    env PATH="$with_busybox" "$daxtorture" vm --results "$scratch/image-results"
fi
expect_error "coverage on a Debian package" "--coverage needs a kernel built with gcov.*fix: --tree DIR --coverage" \
  "$daxtorture" vm --coverage
expect_error "kernel path that does not exist" "does not exist.*bzImage" \
  "$daxtorture" vm --kernel "$scratch/no-such-bzImage"
expect_error "kernel image that is not a bzImage" "not an x86 bzImage" \
  "$daxtorture" vm --kernel /etc/hostname

expect_error "history over a folder that does not exist" "not a folder; fix: name the folder" \
  "$daxtorture" report --history "$scratch/no-such-results"
mkdir -p "$scratch/no-runs"
expect_error "history over a folder without runs" "no run folder .*fix:" \
  "$daxtorture" report --history "$scratch/no-runs"
expect_error "one-run format over two runs" "kcidb describes one run: name exactly one" \
  "$daxtorture" report --kcidb "$scratch/k.json" "$scratch/a" "$scratch/b"

# A real Debian kernel image whose .config lacks FS_DAX.
default_kernel=$(ls /var/cache/daxtorture/kernels/default/boot/vmlinuz-* 2>/dev/null | head -n 1)
if [ -n "$default_kernel" ]; then
  release=${default_kernel##*/vmlinuz-}
  tree=$scratch/linux
  mkdir -p "$tree/arch/x86/boot" "$scratch/modules/lib/modules/$release"
  cp "$default_kernel" "$tree/arch/x86/boot/bzImage"
  grep -v '^CONFIG_FS_DAX=' "/var/cache/daxtorture/kernels/default/boot/config-$release" > "$tree/.config"
  expect_error "kernel without pmem support" "cannot run pmem workloads: CONFIG_FS_DAX is not set.*fix:" \
    "$daxtorture" vm --kernel "$tree/arch/x86/boot/bzImage" --modules "$scratch/modules"
  # A whole Debian kernel: pmem yes, gcov no (issue 24).
  cp "/var/cache/daxtorture/kernels/default/boot/config-$release" "$tree/.config"
  expect_error "coverage on a kernel built without it" \
    "--coverage: .* was not built for coverage .no gcov notes beside its image.*fix: --tree DIR --coverage" \
    "$daxtorture" vm --kernel "$tree/arch/x86/boot/bzImage" --modules "$scratch/modules" --coverage
else
  echo "FAIL: no default kernel in the cache; run tools/setup" >&2
  failures=$((failures + 1))
fi

# Not root: a copy of the tool that an unprivileged user can reach, laid
# out as an install (a lone binary is refused for its missing data first).
bin_dir=$(mktemp -d)
mkdir -p "$bin_dir/bin" "$bin_dir/share/daxtorture"
cp "$daxtorture" "$bin_dir/bin/daxtorture"
cp -r "$(dirname "$0")/../../vm-configs" "$bin_dir/share/daxtorture/"
chmod -R a+rX "$bin_dir"
expect_error "run, not root" "needs root.*sudo" \
  setpriv --reuid=65534 --regid=65534 --clear-groups "$bin_dir/bin/daxtorture" run
expect_error "vm, not root" "needs root.*sudo" \
  setpriv --reuid=65534 --regid=65534 --clear-groups "$bin_dir/bin/daxtorture" vm
rm -rf "$bin_dir"

expect_error "results directory that cannot be written" "cannot be written.*fix: choose a writable place" \
  "$daxtorture" run --results /proc/daxtorture-results -t uring_fixed_buffers_fsdax
expect_error "shard beyond its count" "shard takes K/N.*not '3/2'" "$daxtorture" vm --shard 3/2
expect_error "shard that is not K/N" "shard takes K/N.*e.g. --shard 2/3.*not 'x'" "$daxtorture" vm --shard x
expect_error "no guests" "--jobs takes the number of guests.*not '0'; fix: e.g. --jobs 2" "$daxtorture" vm --jobs 0
expect_error "jobs that is not a number" "--jobs takes the number of guests.*not 'x'; fix:" "$daxtorture" vm --jobs x
expect_error "one NVDIMM file for two guests" "each of the --jobs 2 guests needs its own; fix: drop --nvdimm" \
  "$daxtorture" vm --jobs 2 --nvdimm "$scratch/nvdimm.img"
# Refused before anything boots, with the J that fits.
expect_error "more guests than memory" "--jobs 999 needs .* GiB of memory for the guests' RAM .* are available; fix: --jobs [0-9]+" \
  "$daxtorture" vm --jobs 999 --results "$scratch/jobs" -t uring_fixed_buffers_fsdax/xfs/shared
expect_error "unknown workload pattern" "no workload instance matches 'no_such_workload'.*daxtorture list" \
  "$daxtorture" run -t no_such_workload
expect_error "unknown injected fault" "no selected workload declares the fault 'no_such_fault'" \
  "$daxtorture" run --inject no_such_fault
expect_error "unknown option" "unknown option '--frobnicate'" "$daxtorture" run --frobnicate
printf 'memory = 2G\nnvdimm_size = lots\n' > "$scratch/bad.profile"
expect_error "malformed machine profile" "bad.profile:2:15: bad value 'lots' for nvdimm_size" \
  "$daxtorture" vm --profile "$scratch/bad.profile"
printf 'nvdimm_size = 64T\n' > "$scratch/huge.profile"
expect_error "no space for the NVDIMM backing file" "no space for the NVDIMM backing file in .*fix: free space" \
  "$daxtorture" vm --profile "$scratch/huge.profile" --results "$scratch/results"
printf '# known failures\nkernel: ^6\\.12\\.\nsome/instance  PASS  it passes\n' > "$scratch/bad.expect"
expect_error "malformed expectations file" "bad.expect:3:16: 'PASS' is not a failing verdict; fix: use FAIL" \
  "$daxtorture" vm --expectations "$scratch/bad.expect" --results "$scratch/results"
printf 'WARNING: fine\nBUG: (unclosed\n' > "$scratch/bad-allow.txt"
expect_error "malformed dmesg allow-list" "bad-allow.txt:2:[0-9]+: .*fix" \
  "$daxtorture" run --allow-list "$scratch/bad-allow.txt" --results "$scratch/results" -t selftest_expect_clean
expect_error "host region without confirmation" "is not a region name|no pmem region" \
  "$daxtorture" run --region /dev/sda
expect_error "--yes-destroy without a region" "needs --region" "$daxtorture" run --yes-destroy

# bench: its files, its options and its injections.
expect_error "bench --compare with one file" "takes two files" "$daxtorture" bench --compare "$scratch/a.json"
expect_error "bench --compare of a missing file" "cannot read .*missing.json" \
  "$daxtorture" bench --compare "$scratch/missing.json" "$scratch/missing.json"
echo '{"context": {}}' > "$scratch/not-bench.json"
expect_error "bench --plot of JSON that is not Google Benchmark's" "no \"benchmarks\" array" \
  "$daxtorture" bench --plot "$scratch/p.svg" "$scratch/not-bench.json"
expect_error "bench --plot without input" "needs at least one bench JSON" "$daxtorture" bench --plot "$scratch/p.svg"
expect_error "bench with an unknown injection" "unknown injection 'nope'.*fault_around" \
  "$daxtorture" bench --inject nope
expect_error "bench --min-change that is no percentage" "min-change takes a percentage" \
  "$daxtorture" bench --compare "$scratch/a.json" "$scratch/a.json" --min-change much
expect_error "vm bench --clock of an unknown kind" "clock takes icount, wall or auto" \
  "$daxtorture" vm bench --clock sundial
expect_error "vm bench --clock icount under KVM" "clock icount needs TCG" \
  "$daxtorture" vm bench --clock icount --accel kvm
expect_error "vm bench --smp 0" "smp takes a CPU count" "$daxtorture" vm bench --smp 0
expect_error "vm bench with an unknown option" "unknown option '--bogus' for 'vm bench'" "$daxtorture" vm bench --bogus
expect_error "vm with a stray word" "unexpected argument 'bnech'.*bench" "$daxtorture" vm bnech

expect_error "lava with --shard and --shards" "writes one part.*give one of them" \
  "$daxtorture" lava --shard 1/2 --shards 2
expect_error "lava --shard out of range" "shard takes K/N" "$daxtorture" lava --shard 3/2
expect_error "lava --accel of an unknown kind" "accel takes tcg or kvm" "$daxtorture" lava --accel xen
expect_error "lava --nvdimm-dir not absolute" "absolute folder on the worker" "$daxtorture" lava --nvdimm-dir tmp
expect_error "lava --collect without logs" "needs the finished jobs' logs.*fix: " "$daxtorture" lava --collect
expect_error "lava --collect with a kernel" "reads the kernel, selection and shard from the logs" \
  "$daxtorture" lava --collect some.log --kernel-package 6.1
expect_error "lava --collect of a missing log" "cannot read the job log .*fix: " \
  "$daxtorture" lava --collect "$scratch/no-such.log" --out "$scratch/lava-run"
expect_error "lava --collect of a KTAP file" "is not a LAVA job log \\(line 1.*fix: " \
  sh -c "printf 'KTAP version 1\\n1..1\\n' > '$scratch/x.ktap' && '$daxtorture' lava --collect '$scratch/x.ktap' --out '$scratch/lava-x'"
expect_error "lava with a log but no --collect" "job logs go with --collect" "$daxtorture" lava job.log
expect_error "lava --template that is missing" "cannot read the LAVA job template.*fix: " \
  "$daxtorture" lava --template "$scratch/no-template" --out "$scratch/lava-jobs"
expect_error "lava guest without a token" "needs --token" "$daxtorture" lava guest -t 'pin_dio_read/*'

[ "$failures" = 0 ] || { echo "$failures bad-input case(s) failed" >&2; exit 1; }
