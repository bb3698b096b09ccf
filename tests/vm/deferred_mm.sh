#!/bin/sh
# A kernel line about an mm that is freed after its process exited belongs
# to the instance whose process it was, not to the one running when it came
# (runners/run/mm_ledger.h). selftest_deferred_mm_teardown has the fault
# module hold its mm 500 ms past its exit with one page miscounted, so the
# kernel reports "Bad rss-counter state" then. Twice, on one guest:
#  - with the ledger switched off (daxtorture.mm_ledger=off on the kernel
#    command line: the attribution before it), the line lands in the next
#    instance, which FAILs for it, and the selftest passes: the selftest
#    really defers;
#  - as shipped, the selftest FAILs with the line and the next one passes.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
selftest=selftest_deferred_mm_teardown/none/default
next=selftest_expect_clean/xfs/default

run() {  # NAME [PROFILE]
  out=$scratch/deferred-mm-$1
  rc=0
  "$daxtorture" vm --jobs 1 ${2:+--profile "$2"} --results "$out" --run-id run --no-expectations \
    -t $selftest -t $next > "$out.ktap" 2> "$out.log" || rc=$?
  cat "$out.log" >&2
  expect_exit 1 "$rc" "vm $1"
}

off_profile=$scratch/ledger-off.profile
{ cat "$here/vm-configs/default.profile"; echo "kernel_cmdline = daxtorture.mm_ledger=off"; } > "$off_profile"
run ledger-off "$off_profile"
out=$scratch/deferred-mm-ledger-off
expect_status "$out.ktap" $selftest PASS
expect_status "$out.ktap" $next FAIL
grep -q 'Bad rss-counter state' "$out/run/instances/$(echo $next | tr / '~')/dmesg.txt" ||
  fail "without the ledger the late line should have landed in $next"

run ledger-on
out=$scratch/deferred-mm-ledger-on
expect_status "$out.ktap" $selftest FAIL
grep -q '# kernel: .*Bad rss-counter state mm:[0-9a-f]\{16\} type:MM_FILEPAGES val:1' "$out.ktap" ||
  fail "the selftest's FAIL does not carry its own rss-counter line"
expect_status "$out.ktap" $next PASS
! grep -q 'Bad rss-counter state' "$out/run/instances/$(echo $next | tr / '~')/dmesg.txt" ||
  fail "the late line still reached $next's slice"
echo "ok: the late mm teardown is charged to its own instance"
