#!/bin/sh
# A guest that panics mid-run loses nothing already finished: the instance
# before the panic keeps its verdict, the panicking one is CRASH with the
# console's tail, and the guest is booted again to run the one after it,
# continuing the same KTAP stream.
. "$(dirname "$0")/lib.sh"
out=$scratch/panic
rc=0
"$daxtorture" vm --results "$out" --run-id run -t uring_fixed_buffers_fsdax/xfs/shared \
  -t selftest_guest_panic -t uring_fixed_buffers_fsdax/ext4/shared > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 1 "$rc" "vm with a panicking instance"
expect_status "$out.ktap" uring_fixed_buffers_fsdax/xfs/shared PASS
expect_status "$out.ktap" selftest_guest_panic/none/default CRASH
expect_status "$out.ktap" uring_fixed_buffers_fsdax/ext4/shared PASS
grep -q 'booting again' "$out.log" || fail "no reboot after the panic"
grep -q '^ok 3 uring_fixed_buffers_fsdax/ext4/shared' "$out.ktap" || fail "the second boot's KTAP was not renumbered"
[ "$(grep -c '^KTAP version' "$out.ktap")" = 1 ] || fail "the KTAP header was repeated"
[ "$(grep -cE '^(not )?ok ' "$out.ktap")" = 3 ] || fail "an instance was reported twice"
grep -q 'Kernel panic - not syncing' "$out/run/instances/selftest_guest_panic~none~default/console-tail.txt" ||
  fail "no panic in the crashed instance's console tail"
for instance in 'uring_fixed_buffers_fsdax~xfs~shared' 'uring_fixed_buffers_fsdax~ext4~shared'; do
  [ -s "$out/run/instances/$instance/instance.json" ] || fail "$instance: result missing"
done
[ "$(grep -c '"status": "PASS"' "$out/run/run.json")" = 2 ] || fail "run.json lacks a verdict"
