#!/bin/sh
# QEMU killed from outside (SIGKILL, as the host's OOM killer or an operator
# would) in the middle of an instance: that instance is CRASH naming the
# signal, the verdict before it is kept, and a fresh guest runs the rest.
. "$(dirname "$0")/lib.sh"
out=$scratch/qemu-killed
victim=pin_matrix_sample/xfs/dio_read.truncate.mapped.4k
rc=0
"$daxtorture" vm --jobs 1 --results "$out" --run-id run -t uring_fixed_buffers_fsdax/xfs/shared \
  -t $victim -t uring_fixed_buffers_fsdax/ext4/shared > "$out.ktap" 2> "$out.log" &
runner=$!
killed=
for _ in $(seq 1 300); do
  if grep -q "running $victim" "$out.log"; then
    sleep 3  # into the workload: fixture made, I/O in flight
    pkill -KILL -f "mem-path=$out/run/" && killed=yes
    break
  fi
  sleep 1
done
wait "$runner" || rc=$?
cat "$out.log" >&2
[ -n "$killed" ] || fail "never saw $victim running, or found no QEMU to kill"
expect_exit 1 "$rc" "vm whose QEMU was killed"
expect_status "$out.ktap" uring_fixed_buffers_fsdax/xfs/shared PASS
expect_status "$out.ktap" $victim CRASH
grep -q "QEMU was killed from outside (SIGKILL) while this instance ran" "$out.ktap" ||
  fail "the CRASH does not name QEMU's death"
expect_status "$out.ktap" uring_fixed_buffers_fsdax/ext4/shared PASS
grep -q 'booting again' "$out.log" || fail "no fresh boot after QEMU was killed"
