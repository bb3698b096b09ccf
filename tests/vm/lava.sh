#!/bin/sh
# LAVA jobs from the same guest image, proven by a real LAVA dispatcher:
#  1. 'daxtorture lava' writes the jobs of the default set for Debian 6.12
#     and 6.1 in 3 shards each; every one passes LAVA's own schema
#     (lava_common.schemas.validate(job, strict=True)), and a template that
#     LAVA refuses makes it write none;
#  2. one small shard (2 pin_matrix_sample cells: one that passes on 6.12,
#     one that fails there) runs for real through lava-run: LAVA deploys the
#     kernel and the image, builds its test overlay with libguestfs, boots
#     QEMU with the NVDIMM of the job's context and runs the test shell;
#  3. --collect turns the job's log into a run folder that the reports'
#     consumers accept, whose verdicts equal a local 'daxtorture vm' run of
#     the same instances and LAVA's own test cases;
#  4. a cut log keeps the finished instance and says the rest has no
#     verdict; a file that is no LAVA log and a shard given twice are refused.
# lava-run's exit status only says LAVA's actions worked: the verdicts are
# read from its log.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$scratch/lava
rm -rf "$out"
mkdir -p "$out"
started=$(date +%s)
phase() { echo "lava.sh: $(( $(date +%s) - started )) s: $*"; }

# 1. The farm's jobs, validated.
"$daxtorture" lava --kernel-package 6.12 --kernel-package 6.1 --shards 3 \
  --artifacts-url https://lava.example.org/daxtorture --out "$out/jobs" 2> "$out/jobs.log" ||
  { cat "$out/jobs.log" >&2; fail "daxtorture lava could not write the 6.12 and 6.1 jobs"; }
jobs=$(ls "$out"/jobs/*.yaml | wc -l)
[ "$jobs" = 6 ] || fail "expected 6 jobs (2 kernels x 3 shards), found $jobs in $out/jobs"
[ "$(grep -c '^valid: ' "$out/jobs/validation.txt")" = 6 ] || fail "validation.txt does not list 6 valid jobs"
cat "$out/jobs/validation.txt"
for job in "$out"/jobs/*.yaml; do
  grep -q 'https://lava.example.org/daxtorture/guest-image-' "$job" || fail "$job does not download the guest image from --artifacts-url"
  grep -q -- '-device nvdimm,memdev=nvmem0' "$job" || fail "$job has no NVDIMM"
done
# The three shards of a kernel hold the default set once.
planned=$(cat "$out"/jobs/daxtorture-6.12.*-shard-*.yaml | grep -o 'shard [0-9]/3: [0-9]* instances' |
          awk '{ sum += $3 } END { print sum }')
[ "$planned" = "$("$daxtorture" list --instances --default-set | wc -l)" ] ||
  fail "the 6.12 shards plan $planned instances, not the default set"
# The validator can fail, and then nothing is written.
sed 's/^visibility: public/visibility: everyone/' "$here/vm-configs/lava/job.yaml.in" > "$out/bad-template.yaml.in"
rc=0
"$daxtorture" lava --kernel-package 6.12 --template "$out/bad-template.yaml.in" --out "$out/refused" 2> "$out/refused.log" || rc=$?
expect_exit 2 "$rc" "daxtorture lava with a job LAVA refuses"
grep -q '^invalid: .*visibility' "$out/refused.log" || fail "the validator's refusal was not shown (in $out/refused.log)"
! ls "$out"/refused/*.yaml >/dev/null 2>&1 || fail "an invalid job was written"
phase "6 jobs written and valid; an invalid one refused"

# 2. One small shard for real.
pass_cell=pin_matrix_sample/xfs/dio_read.truncate.mapped.4k
fail_cell=pin_matrix_sample/xfs/uring_write.unlink.closed.4k
"$daxtorture" lava --kernel-package 6.12 -t "$pass_cell" -t "$fail_cell" \
  -t pin_matrix_sample/xfs/dio_read.umount.closed.4k -t pin_matrix_sample/xfs/vmsplice.truncate.unmapped.4k \
  --shards 2 --out "$out/small" 2> "$out/small.log" || { cat "$out/small.log" >&2; fail "the small jobs were not written"; }
job=$(ls "$out"/small/*-shard-1-of-2.yaml)
rc=0
sh "$here/tests/vm/lava_run.sh" "$job" "$out/run" "$out/job.log" || rc=$?
expect_exit 0 "$rc" "lava-run $job (its log: $out/job.log)"
grep -q '"case": "job", "definition": "lava", "result": "pass"' "$out/job.log" || fail "LAVA's job result is not pass"
phase "lava-run finished"

# 3. Collected, and judged like the local run.
rc=0
"$daxtorture" lava --collect "$out/job.log" --out "$out/collected" 2> "$out/collect.log" || rc=$?
cat "$out/collect.log"
expect_exit 0 "$rc" "daxtorture lava --collect (the failing cell is a known failure of 6.12)"
for file in run.json report.html junit.xml kcidb.json results.ktap console.log; do
  [ -s "$out/collected/$file" ] || fail "$file missing from the collected run folder"
done
sh "$here/tests/schemas/validate-run.sh" "$out/collected" "$out/validate" || fail "a consumer rejected the collected run"
verdicts() {
  /usr/bin/python3 -c 'import json, sys
for i in json.load(open(sys.argv[1]))["instances"]: print(i["name"], i["status"])' "$1" | sort
}
verdicts "$out/collected/run.json" > "$out/lava.verdicts"
grep -q "^$pass_cell PASS$" "$out/lava.verdicts" || fail "$pass_cell is not PASS under LAVA: $(cat "$out/lava.verdicts")"
grep -q "^$fail_cell FAIL$" "$out/lava.verdicts" || fail "$fail_cell is not FAIL under LAVA: $(cat "$out/lava.verdicts")"
# LAVA's own test cases say the same (pass/fail, a duration each).
for pair in "$pass_cell pass" "$fail_cell fail"; do
  set -- $pair
  case=$(echo "$1" | tr '/' '~')
  grep -q "\"case\": \"$case\", \"definition\": \"0_daxtorture\", .*\"measurement\": ! \"[0-9.]*\", \"result\": \"$2\"" \
    "$out/job.log" || fail "LAVA's results have no '$2' case $case with a measurement"
done
# The same instances in a local 'daxtorture vm' run: the default-set test's
# when it ran them already, else a run of their own.
local_run=$scratch/default-default/run
if ! { [ -f "$local_run/run.json" ] && verdicts "$local_run/run.json" | grep -q "^$pass_cell " &&
       verdicts "$local_run/run.json" | grep -q "^$fail_cell "; }; then
  local_run=$out/local/run
  rc=0
  "$daxtorture" vm --kernel-package 6.12 -t "$pass_cell" -t "$fail_cell" --results "$out/local" --run-id run \
    > "$out/local.ktap" 2> "$out/local.log" || rc=$?
  expect_exit 0 "$rc" "daxtorture vm of the same instances (its log: $out/local.log)"
fi
verdicts "$local_run/run.json" | grep -E "^($pass_cell|$fail_cell) " > "$out/local.verdicts"
diff "$out/local.verdicts" "$out/lava.verdicts" || fail "LAVA's verdicts differ from the local run's ($local_run)"
# One image for both: the job downloads the file the local run booted.
image=$(sed -n 's/^ *"guest_image_sha256": "\([0-9a-f]*\)".*/\1/p' "$local_run/run.json")
[ -n "$image" ] && grep -q "sha256sum: \"$image\"" "$job" ||
  fail "the job's guest image is not the one the local run booted (sha256 ${image:-unknown})"
echo "ok: the verdicts under LAVA equal the local run's:"
cat "$out/lava.verdicts"
phase "collected; verdicts equal the local run's"

# 4. Bad input: a cut log, a file that is no LAVA log, a shard twice.
end=$(grep -n "daxtorture-lava: end instances/$(echo "$pass_cell" | tr '/' '~')/instance.json" "$out/job.log" | cut -d: -f1)
[ -n "$end" ] || fail "the job log holds no instance.json of $pass_cell"
head -n "$end" "$out/job.log" > "$out/cut.log"
rc=0
"$daxtorture" lava --collect "$out/cut.log" --out "$out/cut" 2> "$out/cut-collect.log" || rc=$?
expect_exit 1 "$rc" "--collect of a cut log"
grep -q "ends before 1 of its 2 instances finished" "$out/cut-collect.log" || fail "the cut log's message does not say what is missing"
verdicts "$out/cut/run.json" > "$out/cut.verdicts"
grep -q "^$pass_cell PASS$" "$out/cut.verdicts" || fail "the finished instance of the cut log was lost"
grep -q "^$fail_cell BROKEN$" "$out/cut.verdicts" || fail "the unfinished instance of the cut log is not BROKEN"
grep -q '"reason": "no verdict: the LAVA job ended before' "$out/cut/instances/$(echo "$fail_cell" | tr '/' '~')/instance.json" ||
  fail "the unfinished instance does not say it has no verdict"
rc=0
"$daxtorture" lava --collect "$job" --out "$out/not-a-log" 2> "$out/not-a-log.log" || rc=$?
expect_exit 2 "$rc" "--collect of a job definition"
grep -q "is not a LAVA job log.*fix: " "$out/not-a-log.log" || fail "no one-line error for a file that is no LAVA log"
rc=0
"$daxtorture" lava --collect "$out/job.log" "$out/job.log" --out "$out/twice" 2> "$out/twice.log" || rc=$?
expect_exit 2 "$rc" "--collect of one shard twice"
grep -q "given twice.*fix: " "$out/twice.log" || fail "no one-line error for a shard given twice"
[ ! -e "$out/twice/run.json" ] || fail "a run folder was written from overlapping shards"
phase "bad input refused, the cut log's finished instance kept"
