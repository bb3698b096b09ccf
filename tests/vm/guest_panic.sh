#!/bin/sh
# A guest that panics mid-run loses nothing already finished: the instance
# before the panic keeps its verdict, the panicking one is CRASH with the
# console's tail, the one after it is reported as not run.
. "$(dirname "$0")/lib.sh"
out=$scratch/panic
rc=0
"$daxtorture" vm --results "$out" --run-id run -t uring_fixed_buffers_fsdax/xfs/shared \
  -t selftest_guest_panic -t uring_fixed_buffers_fsdax/ext4/shared > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 1 "$rc" "vm with a panicking instance"
expect_status "$out.ktap" uring_fixed_buffers_fsdax/xfs/shared PASS
expect_status "$out.ktap" selftest_guest_panic/none/default CRASH
expect_status "$out.ktap" uring_fixed_buffers_fsdax/ext4/shared BROKEN
grep -q 'Kernel panic - not syncing' "$out/run/instances/selftest_guest_panic~none~default/console-tail.txt" ||
  fail "no panic in the crashed instance's console tail"
[ -s "$out/run/instances/uring_fixed_buffers_fsdax~xfs~shared/instance.json" ] ||
  fail "the finished instance's result is missing"
