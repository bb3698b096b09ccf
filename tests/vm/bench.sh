#!/bin/sh
# 'daxtorture vm bench' on the default kernel, reduced to a few benchmarks
# and 3 repetitions: the JSON holds them with the context block and sane
# numbers (each fault size verified, no errors), the independent touch loop
# agrees with the per-fault timing, and --compare of the file with itself
# finds no significant change. Then the fault-size check must fail when the
# kernel maps more per fault than the name claims (fault-around kept on the
# host's tmpfs: one fault per 16 pages), and when 2 MiB units fall back to
# 4 KiB pages (a misaligned fsdax mapping, in a second, short boot).
. "$(dirname "$0")/lib.sh"
out=$scratch/bench
rm -rf "$out"
filter='BM_(fault|touch_loop)/(fsdax_xfs/(4k|2m)/write/nosync/first|devdax_1g/1g/read/nosync/refault)/iterations:[0-9]+/manual_time(/threads:1)?$'
rc=0
"$daxtorture" vm bench --results "$out" --run-id run --benchmark_filter="$filter" \
  --benchmark_repetitions=3 > "$out.txt" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 0 "$rc" "vm bench"
json=$out/run/bench.json
[ -s "$json" ] || fail "no bench.json in the run folder"

for name in BM_fault/fsdax_xfs/4k/write/nosync/first/iterations:256/manual_time/threads:1 \
            BM_fault/fsdax_xfs/2m/write/nosync/first/iterations:16/manual_time/threads:1 \
            BM_fault/devdax_1g/1g/read/nosync/refault/iterations:2/manual_time/threads:1 \
            BM_touch_loop/fsdax_xfs/4k/write/nosync/first/iterations:1/manual_time; do
  n=$(grep -c "\"name\": \"$name\"," "$json" || true)
  [ "$n" = 3 ] || fail "$name: $n repetitions in bench.json, expected 3"
done
for key in kernel_release accelerator namespaces mkfs.xfs mkfs.ext4 fault_around_bytes; do
  grep -q "\"$key\": \"[^\"]" "$json" || fail "context has no $key"
done
grep -q '"accelerator": "tcg"\|"accelerator": "kvm"' "$json" || fail "context names no accelerator"
grep -q '"error_occurred": true' "$json" && fail "a benchmark reported an error: $(grep error_message "$json" | head -1)"
# One fault per unit, verified: 256 (4 KiB), 16 (2 MiB), 2 (1 GiB) per thread.
grep -q '"bytes_per_fault": 2.0971520000000000e+06' "$json" || fail "no 2 MiB faults recorded"
grep -q '"bytes_per_fault": 1.0737418240000000e+09' "$json" || fail "no 1 GiB faults recorded"

# --compare with itself: every mean a positive number below a second,
# p50 <= p99, nothing significant.
"$daxtorture" bench --compare "$json" "$json" --plot "$out/plot.svg" > "$out-compare.txt" || fail "bench --compare failed"
cat "$out-compare.txt"
# Columns: name, old mean, new mean, change, U p, old p50, new p50, change,
# U p, old p99, new p99.
awk '/^BM_/ {
       rows++
       if (!($2 > 0 && $2 < 1000000)) { print "insane mean: " $0; bad = 1 }
       if ($1 !~ /touch_loop/ && (!($6 > 0) || $6 + 0 > $10 + 0)) { print "p50 not in (0, p99]: " $0; bad = 1 }
     }
     END { if (rows != 4) { print rows " rows, expected 4"; bad = 1 }; exit bad }' "$out-compare.txt" ||
  fail "the comparison shows insane numbers"
grep -q '^0 of 4 benchmarks changed significantly in the mean, 0 in the p50' "$out-compare.txt" || fail "a file differs from itself"
grep -q '<polyline' "$out/plot.svg" || fail "the plot has no series"
grep -q '^bench: fsdax_xfs 4k write first: per-fault mean' "$out.txt" || fail "no touch-loop agreement line"

# The check must fail: the host's tmpfs with its fault-around left on.
rc=0
"$daxtorture" bench --out "$out/injected.json" --inject fault_around \
  --benchmark_filter='BM_fault/tmpfs/4k/read/nosync/refault' --benchmark_repetitions=1 > "$out-injected.txt" 2>&1 || rc=$?
expect_exit 1 "$rc" "bench --inject fault_around"
grep -q 'fault size not verified: expected 256 faults of 4k' "$out/injected.json" ||
  fail "the injected run has no fault-size error: $(cat "$out-injected.txt")"

rc=0
"$daxtorture" vm bench --results "$out" --run-id misaligned --inject misaligned \
  --benchmark_filter='BM_fault/fsdax_xfs/2m/read/nosync/refault' --benchmark_repetitions=1 \
  > "$out-misaligned.txt" 2>&1 || rc=$?
expect_exit 1 "$rc" "vm bench --inject misaligned"
grep -q 'fault size not verified: expected 16 faults of 2m, the thread took 32 minor' "$out/misaligned/bench.json" ||
  fail "the misaligned run has no fault-size error: $(cat "$out-misaligned.txt")"
echo "ok: vm bench"
