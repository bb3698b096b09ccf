#!/bin/sh
# 'daxtorture bisect' end to end without compiling a kernel: --build-command
# copies a cached Debian kernel per commit of a generated repository
# (tests/vm/bisect_repo.sh), and every step really boots it and runs one
# pin-matrix cell that Debian 6.12 fails and 6.18 passes. Covered: a commit
# that cannot be built (exit 125: skipped), --repeat, an interrupt (SIGTERM
# mid-boot) and --resume, --find-fix, and --check-endpoints stopping when
# --good fails. The tree must come back to the branch it was on every time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bisect_repo.sh"
out=$scratch/bisect
rm -rf "$out"; mkdir -p "$out"
repo=$out/repo
#                       1     2     3     4    5     6       7       8       9       10    11
make_bisect_repo "$repo" fixed fixed fixed none fixed default default default default fixed fixed
git -C "$repo" checkout -q -b topic
c() { nth_commit "$repo" "$1"; }
started=$(date +%s)

expect_tree_as_found() {
  [ "$(git -C "$repo" symbolic-ref --short HEAD 2>/dev/null)" = topic ] || fail "$1: the tree is not back on branch topic"
  [ "$(git -C "$repo" rev-parse HEAD)" = "$(c 11)" ] || fail "$1: the tree's HEAD moved"
  [ ! -e "$repo/.git/BISECT_START" ] || fail "$1: a git bisect was left under way"
  echo "ok: $1: the tree is back on topic at its last commit"
}

# 1. The regression: good = commit 1, bad = commit 8, first bad = commit 6.
# git tests commit 4 first (no kernel: skipped, no boot), then 5 and 6.
# SIGTERM while the first guest boots; --resume goes on from there.
bisect_a=$out/results/regression
rc=0
"$daxtorture" bisect --tree "$repo" --good "$(c 1)" --bad "$(c 8)" -t "$bisect_cell" --repeat 2 \
  --build-command "$bisect_build_command" --results "$out/results" --bisect-id regression \
  > "$out/a1.out" 2> "$out/a1.err" &
pid=$!
waited=0
until ls "$bisect_a"/runs/*.vm.log > /dev/null 2>&1 && grep -q "booting" "$bisect_a"/runs/*.vm.log 2>/dev/null; do
  sleep 1; waited=$((waited + 1))
  [ "$waited" -lt 300 ] || { kill "$pid"; fail "the first boot of the regression bisect did not start"; }
done
kill -TERM "$pid"
wait "$pid" || rc=$?
cat "$out/a1.err" >&2
expect_exit 130 "$rc" "bisect interrupted by SIGTERM"
grep -q "go on with: daxtorture bisect --resume $bisect_a" "$out/a1.err" || fail "the interrupt did not say how to resume"
expect_tree_as_found "interrupted bisect"
grep -q "	skip	the build command cannot build this commit (exit 125)" "$bisect_a/steps.tsv" ||
  fail "commit 4 (exit 125) was not recorded as skipped: $(cat "$bisect_a/steps.tsv")"

rc=0
"$daxtorture" bisect --resume "$bisect_a" > "$out/a2.out" 2> "$out/a2.err" || rc=$?
cat "$out/a2.err" >&2
expect_exit 0 "$rc" "resumed bisect"
expect_tree_as_found "resumed bisect"
expected="first bad commit: $(c 6) commit 6: default kernel"
[ "$(tail -n 1 "$out/a2.out")" = "$expected" ] || fail "resumed bisect said '$(tail -n 1 "$out/a2.out")', expected '$expected'"
echo "ok: $expected"
# Each step booted once and ran the cell twice (--repeat 2); the answer's
# run failed both times, its parent's passed both times.
grep -q "^  $bisect_cell FAIL" "$bisect_a/summary.txt" || fail "the summary lacks the failing cell: $(cat "$bisect_a/summary.txt")"
grep -q "^  $bisect_cell#2 PASS" "$bisect_a/summary.txt" || fail "the summary lacks the parent's passing repetition"
# Within the bound: ceil(log2 7)+1 = 4 boots, +1 for the skip.
boots=$(awk -F'\t' '!/^#/ && $9 != "" { n++ } END { print n + 0 }' "$bisect_a/steps.tsv")
[ "$boots" -le 5 ] || fail "the regression bisect booted $boots times, bound 4 + 1 skip: $(cat "$bisect_a/steps.txt")"
grep -q "bound for 7 commits is ceil(log2 7)+1 = 4 boots (+1 for the skips)" "$bisect_a/summary.txt" ||
  fail "the summary does not state the boot bound"
[ -s "$bisect_a/bisect.log" ] && grep -q "^# first bad commit: \[$(c 6)\]" "$bisect_a/bisect.log" ||
  fail "bisect.log lacks git's answer"
grep -q '"commit": "'"$(c 6)"'"' "$bisect_a"/runs/step-*-"$(c 6 | cut -c1-12)"/run.json ||
  fail "the step's run.json does not carry the commit as its kernel origin"

# 2. The fix: broken at commit 8, passing at 11, first fixed = commit 10.
rc=0
"$daxtorture" bisect --tree "$repo" --find-fix --bad "$(c 8)" --good "$(c 11)" -t "$bisect_cell" \
  --build-command "$bisect_build_command" --results "$out/results" --bisect-id fix \
  > "$out/b.out" 2> "$out/b.err" || rc=$?
cat "$out/b.err" >&2
expect_exit 0 "$rc" "bisect --find-fix"
expect_tree_as_found "find-fix bisect"
expected="first fixed commit: $(c 10) commit 10: fixed kernel"
[ "$(tail -n 1 "$out/b.out")" = "$expected" ] || fail "--find-fix said '$(tail -n 1 "$out/b.out")', expected '$expected'"
echo "ok: $expected"

# 3. --check-endpoints with a --good that fails (commit 6): stop after one boot.
rc=0
"$daxtorture" bisect --tree "$repo" --check-endpoints --good "$(c 6)" --bad "$(c 8)" -t "$bisect_cell" \
  --build-command "$bisect_build_command" --results "$out/results" --bisect-id endpoints \
  > "$out/c.out" 2> "$out/c.err" || rc=$?
cat "$out/c.err" >&2
expect_exit 2 "$rc" "bisect with a failing --good"
grep -q "\-\-good $(c 6 | cut -c1-12) fails .*fix: name an older commit that passes as --good" "$out/c.err" ||
  fail "the failing --good was not named with its fix"
[ "$(grep -vc '^#' "$out/results/endpoints/steps.tsv")" = 1 ] || fail "a failing --good must stop the bisect after one boot"
expect_tree_as_found "endpoint check"
echo "ok: bisect test done in $(( $(date +%s) - started )) s"
