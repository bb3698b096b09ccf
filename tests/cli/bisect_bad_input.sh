#!/bin/sh
# 'daxtorture bisect' and 'daxtorture build' refuse bad input before any
# build or boot: exit status 2, one message naming the problem and the fix,
# and the tree left on the branch and commit it was on.
set -eu
daxtorture=${DAXTORTURE_BIN:?}
scratch=${DAXTORTURE_TEST_RESULTS:-$(mktemp -d)}/bisect-bad-input
rm -rf "$scratch"; mkdir -p "$scratch"
. "$(dirname "$0")/../vm/bisect_repo.sh"
failures=0
. "$(dirname "$0")/expect_error.sh"

repo=$scratch/repo
make_bisect_repo "$repo" fixed fixed default default
first=$(nth_commit "$repo" 1) last=$(nth_commit "$repo" 4)
bisect() { "$daxtorture" bisect --results "$scratch/results" -t "$bisect_cell" --build-command true "$@"; }

expect_error "missing --tree" "--tree DIR is required" "$daxtorture" bisect --good a --bad b -t x
expect_error "missing -t" "-t PATTERN is required" "$daxtorture" bisect --tree "$repo" --good a --bad b
expect_error "pattern that matches nothing" "no workload instance matches" bisect --tree "$repo" --good "$first" --bad "$last" -t no_such_workload
expect_error "folder that is not a kernel tree" "is not a kernel source tree.*fix:" \
  bisect --tree "$scratch" --good a --bad b
plain=$scratch/not-git
mkdir -p "$plain/arch/x86"; : > "$plain/Makefile"; : > "$plain/Kconfig"
expect_error "kernel tree that is not a git tree" "is not a git tree.*fix: 'git init" \
  bisect --tree "$plain" --good a --bad b
expect_error "unknown --good" "--good 'v9.99' is not a commit of .*fix:" \
  bisect --tree "$repo" --good v9.99 --bad "$last"
expect_error "unknown --bad" "--bad 'no-such-branch' is not a commit" \
  bisect --tree "$repo" --good "$first" --bad no-such-branch
expect_error "good newer than bad" "--good .* is not an ancestor of --bad .*fix: swap them, or add --find-fix" \
  bisect --tree "$repo" --good "$last" --bad "$first"
expect_error "find-fix in the wrong order" "--bad .* is not an ancestor of --good .*fix: swap them" \
  bisect --tree "$repo" --good "$first" --bad "$last" --find-fix
expect_error "same commit twice" "are the same commit" bisect --tree "$repo" --good "$last" --bad main
echo "local change" >> "$repo/kernel-choice"
expect_error "dirty tree" "uncommitted changes.*fix: commit them or 'git -C .* stash'" \
  bisect --tree "$repo" --good "$first" --bad "$last"
git -C "$repo" checkout -q kernel-choice
expect_error "resume of a folder that is no bisect" "no bisect to resume.*options.txt" \
  "$daxtorture" bisect --resume "$scratch"

# No compiler: a PATH with git and QEMU but without gcc. The built-in build
# (no --build-command) checks its tools first and names the package.
tools=$scratch/tools
mkdir -p "$tools"
for program in git qemu-system-x86_64 make sh; do ln -sf "$(command -v "$program")" "$tools/$program"; done
expect_error "no compiler" "cannot build kernels: gcc is missing; fix: apt-get install gcc" \
  env PATH="$tools" "$daxtorture" bisect --tree "$repo" --good "$first" --bad "$last" -t "$bisect_cell"
expect_error "build without a compiler" "gcc is missing; fix: apt-get install gcc" \
  env PATH="$tools" "$daxtorture" build --tree "$repo"
expect_error "build of a non-git folder" "is not a git tree" "$daxtorture" build --tree "$plain"
expect_error "vm with --tree and --kernel" "--tree builds its own kernel" \
  "$daxtorture" vm --tree "$repo" --kernel /boot/vmlinuz

# Left as found: branch main at its last commit, nothing bisecting.
[ "$(git -C "$repo" symbolic-ref --short HEAD)" = main ] || { echo "FAIL: the tree left branch main" >&2; failures=$((failures + 1)); }
[ "$(git -C "$repo" rev-parse HEAD)" = "$last" ] || { echo "FAIL: the tree's HEAD moved" >&2; failures=$((failures + 1)); }
[ ! -e "$repo/.git/BISECT_START" ] || { echo "FAIL: a bisect was left under way" >&2; failures=$((failures + 1)); }
[ ! -d "$scratch/results" ] || [ -z "$(ls "$scratch/results")" ] || { echo "FAIL: a refused bisect left a folder" >&2; failures=$((failures + 1)); }

[ "$failures" = 0 ] || { echo "$failures bad-input case(s) failed" >&2; exit 1; }
echo "all bisect bad-input cases passed"
