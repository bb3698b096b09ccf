#!/bin/sh
# A guest that goes silent with its kernel alive (runner stopped, a task in
# D state): after --hang-timeout the host presses sysrq w and l through the
# QEMU monitor, keeps the blocked task's stack from the console with the
# instance, calls it TIMEOUT, and finishes the run in a fresh guest.
. "$(dirname "$0")/lib.sh"
out=$scratch/hang
rc=0
"$daxtorture" vm --jobs 1 --results "$out" --run-id run --hang-timeout 40 -t selftest_guest_silent \
  -t uring_fixed_buffers_fsdax/xfs/shared > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 1 "$rc" "vm with a silent guest"
expect_status "$out.ktap" selftest_guest_silent/none/default TIMEOUT
grep -q 'hung.* and was killed after a sysrq task dump' "$out.ktap" ||
  fail "the TIMEOUT does not say the guest hung"
tail=$out/run/instances/selftest_guest_silent~none~default/console-tail.txt
grep -q 'sysrq: Show Blocked State' "$tail" || fail "no sysrq-w dump in the console tail"
grep -q 'task:daxtorture .*state:D' "$tail" && grep -q 'trigger_write.*daxtorture_fault' "$tail" ||
  fail "the blocked task's stack is not in the console tail"
expect_status "$out.ktap" uring_fixed_buffers_fsdax/xfs/shared PASS
