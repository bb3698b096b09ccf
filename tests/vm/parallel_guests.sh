#!/bin/sh
# --jobs 2: two guests side by side feed one run folder and one KTAP stream.
# A guest that panics costs only the instance it was running: that one is
# CRASH with the panic in its console tail, every other instance gets its
# own verdict, and the panicked guest boots again and goes on from the
# shared queue while the other keeps running.
. "$(dirname "$0")/lib.sh"
out=$scratch/parallel
ok1=uring_fixed_buffers_fsdax/xfs/shared
ok2=uring_fixed_buffers_fsdax/ext4/shared
ok3=uring_fixed_buffers_fsdax/xfs/private
ok4=uring_fixed_buffers_fsdax/ext4/private
ok5=selftest_expect_clean/xfs/default
# A 4 GiB NVDIMM per guest (the 2 GiB fsdax namespace is all these
# instances use): two guests then need 13 GiB of memory, not 21, so the
# test does not depend on a machine that is otherwise idle.
profile=$scratch/parallel.profile
sed 's/^nvdimm_size = .*/nvdimm_size = 4G/' "$(dirname "$0")/../../vm-configs/default.profile" > "$profile"
rc=0
"$daxtorture" vm --jobs 2 --profile "$profile" --results "$out" --run-id run \
  -t selftest_guest_panic -t $ok1 -t $ok2 -t $ok3 -t $ok4 -t $ok5 > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 1 "$rc" "vm --jobs 2 with a panicking instance"

for ok in $ok1 $ok2 $ok3 $ok4 $ok5; do expect_status "$out.ktap" $ok PASS; done
expect_status "$out.ktap" selftest_guest_panic/none/default CRASH
panicked=$out/run/instances/selftest_guest_panic~none~default
grep -q 'Kernel panic - not syncing' "$panicked/console-tail.txt" || fail "no panic in the crashed instance's console tail"

# One stream: one header, the plan once, results numbered 1..6 in arrival order.
[ "$(grep -c '^KTAP version' "$out.ktap")" = 1 ] || fail "the KTAP header was repeated"
[ "$(grep -c '^1\.\.6$' "$out.ktap")" = 1 ] || fail "the plan 1..6 is not printed exactly once"
numbers=$(sed -nE 's/^(not )?ok ([0-9]+) .*/\2/p' "$out.ktap" | tr '\n' ' ')
[ "$numbers" = "1 2 3 4 5 6 " ] || fail "results numbered '$numbers', expected 1..6 in order"

# Both guests ran instances, into the one run folder.
grep -q 'g1: running ' "$out.log" && grep -q 'g2: running ' "$out.log" || fail "not both guests ran an instance"
[ -s "$out/run/console.log" ] && [ -s "$out/run/console-g2.log" ] || fail "a guest's console log is missing"
[ "$(jq -r .info.environment.jobs "$out/run/run.json")" = 2 ] || fail "run.json does not record jobs 2"
guests=$(jq -r .info.environment.guests "$out/run/run.json")
echo "guests: $guests"
total=$(echo "$guests" | tr ';' '\n' | sed -nE 's/.*: ([0-9]+) instances.*/\1/p' | awk '{ s += $1 } END { print s }')
[ "$total" = 6 ] || fail "per-guest instance counts add up to $total, not 6: $guests"
[ "$(jq '[.instances[] | select(.status == "PASS")] | length' "$out/run/run.json")" -ge 4 ] ||
  fail "run.json lacks a verdict"
# The panicked guest booted again: the panic came within its first
# instance, while most of the queue was still waiting.
grep -q 'guest [12]: the guest stopped with .* booting again (reboot 1)' "$out.log" ||
  fail "the panicked guest was not booted again"
[ "$(jq -r .info.environment.reboots_after_guest_failure "$out/run/run.json")" = 1 ] ||
  fail "run.json does not count the one reboot"
sh "$(dirname "$0")/../schemas/validate-run.sh" "$out/run" "$scratch/validate-parallel" ||
  fail "a consumer rejected an output of the parallel run (above)"
