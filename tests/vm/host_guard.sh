#!/bin/sh
# Host mode's guard, tried for real inside a guest: 'daxtorture run --region'
# as a user would type it refuses a region whose namespace is mounted, or
# whose devdax device a process maps (naming that process), changes nothing,
# and lets a dry run through once the device is free. With the mapping
# dropped early (--inject device_released) the in-use check must FAIL.
. "$(dirname "$0")/lib.sh"
out=$scratch/host-guard
rc=0
"$daxtorture" vm --jobs 1 --results "$out" --run-id run -t selftest_host_guard_mounted \
  -t selftest_host_guard_in_use > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 0 "$rc" "vm with the guard selftests"
expect_status "$out.ktap" selftest_host_guard_mounted/xfs/default PASS
expect_status "$out.ktap" selftest_host_guard_in_use/devdax/default PASS

rc=0
"$daxtorture" vm --jobs 1 --results "$out" --run-id injected -t selftest_host_guard_in_use \
  --inject device_released > "$out-injected.ktap" 2> "$out-injected.log" || rc=$?
expect_exit 1 "$rc" "vm with the mapping released early"
expect_status "$out-injected.ktap" selftest_host_guard_in_use/devdax/default FAIL
grep -q 'is mapped exited 0, expected 2 (refused)' "$out-injected.ktap" || fail "no evidence that the guard let the run through"
