#!/bin/sh
# A real power cut: a power_cut instance asks, the host kills QEMU, boots
# the same NVDIMM backing file again and the instance's second half judges
# what the filesystem kept. Both survival checks must fail under their
# injected faults: a MAP_SYNC mapping that is really a plain one loses the
# new blocks and the size; a page showing a deleted file's data is stale.
# One run, two instances, three boots; the KTAP stream must read as one.
. "$(dirname "$0")/lib.sh"
out=$scratch/power-loss
rc=0
"$daxtorture" vm --jobs 1 --results "$out" --run-id run --no-expectations \
  -t map_sync_power_loss/xfs/map_sync --inject plain_mapping \
  -t map_sync_power_loss/ext4/plain --inject stale_page > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 1 "$rc" "vm with two power cuts and injected faults"
expect_status "$out.ktap" map_sync_power_loss/xfs/map_sync FAIL
grep -q "after the power cut the file's size is 0, not 8388608" "$out.ktap" ||
  fail "no lost-size evidence for the plain mapping passed off as MAP_SYNC"
expect_status "$out.ktap" map_sync_power_loss/ext4/plain FAIL
grep -q "after the power cut the file shows data never written to it: 1 pages of a deleted file" "$out.ktap" ||
  fail "no stale-data evidence"

# The host side: two planned cuts, no crash reboots, the first half's
# console kept for the verdict, and one KTAP header and plan for three boots.
[ "$(grep -c 'the power was cut for' "$out.log")" = 2 ] || fail "expected two power cuts on the host"
grep -q '"power_cuts": "2"' "$out/run/run.json" || fail "run.json does not record two power cuts"
grep -q '"reboots_after_guest_failure": "0"' "$out/run/run.json" || fail "a power cut was counted as a guest failure"
for instance in map_sync_power_loss~xfs~map_sync map_sync_power_loss~ext4~plain; do
  grep -q "daxtorture: cut the power now for" "$out/run/instances/$instance/console-before-power-cut.txt" ||
    fail "$instance: no console before the power cut"
done
[ "$(grep -c '^KTAP version' "$out.ktap")" = 1 ] && [ "$(grep -c '^1\.\.' "$out.ktap")" = 1 ] ||
  fail "the KTAP stream of three boots has more than one header or plan"
grep -q '^not ok 1 map_sync_power_loss/xfs/map_sync' "$out.ktap" && grep -q '^not ok 2 map_sync_power_loss/ext4/plain' "$out.ktap" ||
  fail "results are not numbered 1 and 2 across the boots"
