#!/bin/sh
# An interrupted run loses nothing and can be finished: Ctrl-C after the
# first verdict stops QEMU (exit 130) with that verdict kept; --resume runs
# only what had no verdict and leaves one complete run.json.
. "$(dirname "$0")/lib.sh"
out=$scratch/resume
rm -rf "$out"
"$daxtorture" vm --jobs 1 --results "$out" --run-id run -t uring_fixed_buffers_fsdax/xfs/shared \
  -t uring_fixed_buffers_fsdax/ext4/shared > "$out-1.ktap" 2> "$out-1.log" &
runner=$!
for _ in $(seq 1 300); do
  grep -q 'PASS uring_fixed_buffers_fsdax/xfs/shared' "$out-1.log" && break
  sleep 1
done
kill -INT "$runner"
rc=0
wait "$runner" || rc=$?
cat "$out-1.log" >&2
expect_exit 130 "$rc" "interrupted vm"
pgrep -f "mem-path=$out/run/" >/dev/null && fail "QEMU outlived the interrupted runner"
expect_status "$out-1.ktap" uring_fixed_buffers_fsdax/xfs/shared PASS

rc=0
"$daxtorture" vm --resume "$out/run" > "$out-2.ktap" 2> "$out-2.log" || rc=$?
cat "$out-2.log" >&2
expect_exit 0 "$rc" "vm --resume"
grep -q 'running uring_fixed_buffers_fsdax/xfs/shared' "$out-2.ktap" && fail "resume ran a finished instance again"
expect_status "$out-2.ktap" uring_fixed_buffers_fsdax/ext4/shared PASS
[ "$(grep -c '"status": "PASS"' "$out/run/run.json")" -ge 2 ] || fail "run.json does not hold both verdicts"
