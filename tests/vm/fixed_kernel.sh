#!/bin/sh
# The other half of the known failures: the pin matrix's sample cells, which
# Debian's 6.1 and 6.12 fail (vm-configs/expectations), and two reflink
# cells pass on a kernel that has the fixes they guard: trixie-backports'
# 6.18 with the v6.15 fs/dax rework (alias 'fixed', made by tools/setup).
# So does io_uring's devdax fixed-buffer registration, which Debian 6.1
# refuses (its rw variant: a few seconds).
# Judged without expectations: every instance must PASS, so a check that
# fails whatever the kernel does shows up here. Two guests side by side
# (--jobs 2): 2:10 -> 1:38 here, the same 13 verdicts.
. "$(dirname "$0")/lib.sh"
out=$scratch/fixed
rc=0
"$daxtorture" vm --jobs 2 --kernel-package fixed --no-expectations --results "$out" --run-id run \
  -t pin_matrix_sample \
  -t 'pin_reflink/*/dio_read.clone_over.closed.4k' -t 'pin_reflink/*/uring_write.clone_over.unmapped.pmd' \
  -t uring_fixed_buffers_devdax/devdax/rw \
  > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 0 "$rc" "daxtorture vm --kernel-package fixed"
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out.ktap")
[ "${planned:-0}" -ge 10 ] || fail "planned only ${planned:-no} instances"
for instance in $(sed -nE 's/^(not )?ok [0-9]+ ([^ ]+).*/\2/p' "$out.ktap"); do
  expect_status "$out.ktap" "$instance" PASS
done
