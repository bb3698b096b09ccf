#!/bin/sh
# Real guest faults, provoked on purpose by the selftest workloads, each end
# with a verdict and its evidence, and the run goes on: a panic, an oops, a
# soft lockup, an OOM kill, a task stuck in D state, and the guest's runner
# dying. Faults that leave the kernel unfit (panic, oops, stuck task, dead
# runner) make the host boot a fresh guest; an ordinary instance after each
# proves the run continued, and nothing finished before a fault is lost.
. "$(dirname "$0")/lib.sh"
out=$scratch/faults
ok1=uring_fixed_buffers_fsdax/xfs/shared
ok2=uring_fixed_buffers_fsdax/ext4/shared
ok3=uring_fixed_buffers_fsdax/xfs/private
ok4=uring_fixed_buffers_fsdax/ext4/private
rc=0
"$daxtorture" vm --jobs 1 --results "$out" --run-id run \
  -t $ok1 -t selftest_guest_panic -t $ok2 -t selftest_guest_oops -t selftest_soft_lockup \
  -t selftest_guest_oom -t selftest_stuck_task -t $ok3 -t selftest_runner_killed -t $ok4 \
  > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 1 "$rc" "vm with faulting instances"
instances() { echo "$out/run/instances/$(echo "$1" | tr / '~')"; }

for ok in $ok1 $ok2 $ok3 $ok4; do expect_status "$out.ktap" $ok PASS; done

expect_status "$out.ktap" selftest_guest_panic/none/default CRASH
grep -q 'Kernel panic - not syncing' "$(instances selftest_guest_panic/none/default)/console-tail.txt" ||
  fail "no panic in the crashed instance's console tail"

expect_status "$out.ktap" selftest_guest_oops/none/default CRASH
grep -q '# kernel: Oops: .*invalid opcode' "$out.ktap" || fail "no oops evidence"
grep -q 'kernel BUG at .*daxtorture_fault.c' "$(instances selftest_guest_oops/none/default)/dmesg.txt" ||
  fail "the oops is not in the instance's dmesg slice"
grep -q '# stopping this boot: the kernel oopsed during selftest_guest_oops' "$out.ktap" ||
  fail "the guest did not stop the boot after the oops"

expect_status "$out.ktap" selftest_soft_lockup/none/default TIMEOUT
grep -q '# kernel: soft lockup: watchdog: BUG: soft lockup - CPU#[0-9]* stuck for' "$out.ktap" ||
  fail "no soft-lockup evidence"
grep -q 'trigger_write.*daxtorture_fault' "$(instances selftest_soft_lockup/none/default)/dmesg.txt" ||
  fail "the spinning CPU's stack is not in the dmesg slice"

expect_status "$out.ktap" selftest_guest_oom/none/default CRASH
grep -q '# kernel: OOM kill: Out of memory: Killed process [0-9]* (daxtorture)' "$out.ktap" ||
  fail "no OOM-kill evidence"

expect_status "$out.ktap" selftest_stuck_task/none/default TIMEOUT
stacks=$(instances selftest_stuck_task/none/default)/stacks.txt
grep -q 'state D' "$stacks" && grep -q 'trigger_write.*daxtorture_fault' "$stacks" ||
  fail "stacks.txt lacks the stuck task's kernel stack"
grep -q 'after SIGKILL, still present' "$stacks" || fail "stacks.txt does not show the task survived SIGKILL"
grep -q '# kernel: hung task: INFO: task daxtorture:[0-9]* blocked for more than' "$out.ktap" ||
  fail "no hung-task evidence"

expect_status "$out.ktap" selftest_runner_killed/none/default CRASH
grep -q 'the guest runner died (exit status 137: killed by SIGKILL) while this instance ran' "$out.ktap" ||
  fail "the runner's death is not the CRASH reason"
[ -s "$(instances selftest_runner_killed/none/default)/console-tail.txt" ] ||
  fail "no console tail for the runner's death"

[ "$(grep -c 'booting again' "$out.log")" = 4 ] || fail "expected 4 fresh boots (panic, oops, stuck task, dead runner)"
[ "$(grep -c '^KTAP version' "$out.ktap")" = 1 ] || fail "the KTAP header was repeated"
[ "$(grep -cE '^(not )?ok ' "$out.ktap")" = 10 ] || fail "an instance was reported twice or not at all"
grep -q '^ok 10 uring_fixed_buffers_fsdax/ext4/private' "$out.ktap" || fail "later boots' KTAP was not renumbered"
[ "$(grep -c '"status": "PASS"' "$out/run/run.json")" = 4 ] || fail "run.json lacks a verdict"
