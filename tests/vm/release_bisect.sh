#!/bin/sh
# 'daxtorture bisect --releases' over packaged Debian kernels, no build:
# pud_split_devdax/devdax/dontneed passes on 6.16.12 and fails from 6.17.8
# on (a WARNING in unmap_page_range, vm-configs/expectations/
# devdax-pud-dontneed.expect). Three releases take at most
# ceil(log2 3) + 1 = 3 boots, and the last line names the first bad one.
# Fetches the three kernels from Debian's archive when they are not cached.
. "$(dirname "$0")/lib.sh"
out=$scratch/release-bisect
rm -rf "$out"
rc=0
"$daxtorture" bisect --releases 6.16.12,6.17.8,6.17.13 --suite trixie-backports \
  -t pud_split_devdax/devdax/dontneed --results "$out" --bisect-id run > "$out.out" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 0 "$rc" "bisect --releases"
[ "$(tail -n 1 "$out.out")" = "first bad release: 6.17.8 (last good: 6.16.12)" ] ||
  fail "last line: $(tail -n 1 "$out.out")"
boots=$(grep -c ' boot [0-9]*: ' "$out.log")
[ "$boots" -le 3 ] || fail "$boots boots for 3 releases"
[ -s "$out/run/summary.txt" ] && [ -s "$out/run/steps.txt" ] || fail "the bisect folder lacks summary.txt or steps.txt"
echo "ok: first bad release 6.17.8 in $boots boots"
