#!/bin/sh
# How parallel guests pay off on this machine: runs the same selection at
# each J on the default kernel and prints a Markdown table of wall time,
# host CPU (user+sys of daxtorture and every QEMU it waited for, and that as
# a share of wall x cores), the instances each guest ran, and every verdict
# that differs from the J=1 run, instance by instance. Prints figures,
# asserts nothing; the runs stay in the results folder.
# usage: tests/perf/jobs_table.sh [SELECTION] [J...]
#   SELECTION  -t patterns separated by commas, or "default" for the default
#              set (default: default)
#   J...       guest counts to compare (default: 1 2 3 4); the first is the
#              reference the others' verdicts are compared with
# env: DAXTORTURE_BIN (default build/runners/daxtorture), RESULTS (default
#      results/jobs-table-TIME), KERNEL (default: default), PROFILE (a
#      machine profile; default vm-configs/default.profile)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
daxtorture=${DAXTORTURE_BIN:-$top/build/runners/daxtorture}
selection=${1:-default}
[ $# -gt 0 ] && shift
jobs=${*:-1 2 3 4}
results=${RESULTS:-results/jobs-table-$(date -u +%Y%m%d-%H%M%S)}
kernel=${KERNEL:-default}
profile=${PROFILE:-$top/vm-configs/default.profile}
[ -x "$daxtorture" ] || { echo "jobs_table: no daxtorture at $daxtorture; fix: build it, or set DAXTORTURE_BIN" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "jobs_table: /usr/bin/time is missing; fix: apt-get install time" >&2; exit 2; }
for j in $jobs; do
  case $j in ''|*[!0-9]*|0) echo "jobs_table: '$j' is not a guest count; fix: give whole numbers from 1, e.g. 1 2 3" >&2; exit 2 ;; esac
done
patterns=
if [ "$selection" != default ]; then
  old_ifs=$IFS; IFS=,
  for pattern in $selection; do patterns="$patterns -t $pattern"; done
  IFS=$old_ifs
fi
mkdir -p "$results"
cores=$(nproc)

# ktap_status KTAP NAME: the verdict of NAME in a KTAP stream (the VM tests' reader).
DAXTORTURE_BIN=$daxtorture DAXTORTURE_TEST_RESULTS=$results . "$top/tests/vm/lib.sh"

reference=
rows=
for j in $jobs; do
  run=$results/j$j
  echo "jobs_table: J=$j ($selection) into $run" >&2
  rc=0
  # shellcheck disable=SC2086
  /usr/bin/time -f '%e %U %S' -o "$run.time" "$daxtorture" vm --kernel-package "$kernel" --profile "$profile" --jobs "$j" \
    --results "$results" --run-id "j$j" $patterns > "$run.ktap" 2> "$run.log" || rc=$?
  [ "$rc" -le 1 ] || { echo "jobs_table: J=$j exited $rc; see $run.log" >&2; tail -3 "$run.log" >&2; }
  read -r wall user sys < "$run.time" || { wall=0; user=0; sys=0; }
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')
  share=$(awk -v u="$user" -v s="$sys" -v w="$wall" -v c="$cores" 'BEGIN { printf "%.0f", (w > 0) ? 100 * (u + s) / (w * c) : 0 }')
  minutes=$(awk -v w="$wall" 'BEGIN { printf "%d:%02d", w / 60, w % 60 }')
  per_guest=$(jq -r '.info.environment.guests // ""' "$run/run.json" 2>/dev/null |
              sed -E 's/: ([0-9]+) instances[^;]*/: \1/g; s/;/,/g')
  [ -z "$reference" ] && reference=$run.ktap
  moved=
  for name in $(sed -nE 's/^(not )?ok [0-9]+ ([^ ]+).*/\2/p' "$reference"); do
    before=$(ktap_status "$reference" "$name")
    after=$(ktap_status "$run.ktap" "$name")
    [ "$before" = "$after" ] || moved="$moved${moved:+, }$name $before→$after"
  done
  rows="$rows| $j | $minutes | $cpu s | $share % | $per_guest | ${moved:-none} |
"
done
first=${jobs%% *}
echo "Selection: $selection on kernel $kernel, profile $(basename "$profile"), $cores cores, $(date -u +%Y-%m-%dT%H:%MZ); runs in $results"
echo
echo "| J | wall | host CPU (user+sys) | CPU / (wall × $cores cores) | instances per guest | verdicts moved against J=$first |"
echo "|---|------|---------------------|------------------|---------------------|-------------------------|"
printf '%s' "$rows"
