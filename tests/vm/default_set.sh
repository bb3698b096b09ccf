#!/bin/sh
# The main job on one kernel: every default instance passes or is a known
# failure of that kernel (vm-configs/expectations), the run folder holds
# every report, and the KTAP plan was completed. Two guests side by side
# (--jobs 2): the same verdicts as one guest, in about 70 % of the time on
# this 2-core machine (6.12: 3:05 -> 2:12 with other guests running).
# usage: default_set.sh KERNEL_ALIAS [EXTRA_PATTERN...]
# EXTRA_PATTERNs are run in the same boots; like every instance of the run
# they must PASS unless the kernel's expectations know them. On 'newest'
# they are the reflink cells that Debian's 6.1 and 6.12 fail (the fs/dax
# rework fixed them): folded into this run instead of a boot of their own.
. "$(dirname "$0")/lib.sh"
kernel=${1:-default}
shift || true
extra=
for pattern in "$@"; do extra="$extra -t $pattern"; done
out=$scratch/default-$kernel
rc=0
# shellcheck disable=SC2086
"$daxtorture" vm --jobs 2 --kernel-package "$kernel" --results "$out" --run-id run \
  ${extra:+-t set:default $extra} > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 0 "$rc" "daxtorture vm --kernel-package $kernel"
echo "guests: $(jq -r '.info.environment.jobs + " (" + .info.environment.jobs_rule + "): " + .info.environment.guests' "$out/run/run.json")"
for file in run.json report.html junit.xml kcidb.json results.ktap console.log; do
  [ -s "$out/run/$file" ] || fail "$file missing from the run folder"
done
# Each output as its consumer reads it: KCIDB v5.3, junit-10.xsd, kunit.py.
sh "$(dirname "$0")/../schemas/validate-run.sh" "$out/run" "$scratch/validate" ||
  fail "a consumer rejected an output of the run (above)"
# The live stream marks each known failure as results.ktap does.
[ "$(grep -c '^# known failure: ' "$out.ktap")" = "$(grep -c '^# known failure: ' "$out/run/results.ktap")" ] ||
  fail "the live KTAP stream and results.ktap disagree on the known failures"
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out.ktap")
results=$(grep -cE '^(not )?ok [0-9]+ ' "$out.ktap")
[ -n "$planned" ] && [ "$planned" = "$results" ] || fail "KTAP plan $planned, results $results"
# shellcheck disable=SC2086
expected=$("$daxtorture" list --instances ${extra:+-t set:default $extra} ${extra:---default-set} | wc -l)
[ "$planned" = "$expected" ] || fail "the run planned $planned instances, the default set has $expected"
# Every result line of the stream: PASS, a failure this kernel is known
# for, or a SKIP whose reason names what this kernel lacks (6.1's io_uring
# takes no devdax fixed buffers: the memlock checks have nothing to judge).
# A SKIP is a verdict on nothing, so a run that skips more than a tenth of
# its instances fails: a fixture that stopped working must not pass as one.
skips=0
for instance in $(sed -nE 's/^(not )?ok [0-9]+ ([^ ]+).*/\2/p' "$out.ktap"); do
  if grep -q "known failure: $instance " "$out.log"; then
    echo "ok: $instance is a known failure of this kernel: $(ktap_status "$out.ktap" "$instance")"
  elif [ "$(ktap_status "$out.ktap" "$instance")" = SKIP ]; then
    skips=$((skips + 1))
    echo "ok: $instance SKIP: $(grep -E "^ok [0-9]+ $instance # SKIP" "$out.ktap" | sed 's/.*# SKIP //')"
  else
    expect_status "$out.ktap" "$instance" PASS
  fi
done
[ $((skips * 10)) -le "$planned" ] || fail "$skips of $planned instances skipped"
