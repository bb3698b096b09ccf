#!/bin/sh
# One instance's leftovers cannot change the next one's verdict: an instance
# that leaves files, an escaped process, a stacked mount and device data is
# followed by one that must find none of it.
. "$(dirname "$0")/lib.sh"
out=$scratch/isolation
rc=0
"$daxtorture" vm --jobs 1 --results "$out" --run-id run -t selftest_leave_mess -t selftest_expect_clean \
  > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_status "$out.ktap" selftest_expect_clean/xfs/default PASS
# The messy instance is judged too: its stacked mount blocks the unmount.
seen=$(ktap_status "$out.ktap" selftest_leave_mess/xfs/default)
[ "$seen" = PASS ] || [ "$seen" = BROKEN ] || fail "selftest_leave_mess: $seen"
echo "ok: leave_mess $seen, expect_clean PASS"
