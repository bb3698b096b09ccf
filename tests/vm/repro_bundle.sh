#!/bin/sh
# 'daxtorture repro --standalone': the 1 GiB devdax mremap finding's C
# reproducer, bundled for Debian's newest kernel (which has the bug), run
# from a copy of the bundle in another folder: it reproduces ("bad pud" and
# the leaked 262144 MM_FILEPAGES on the console of a guest without the
# daxtorture binary). Then the same boot judged against a kernel line that
# never comes: "reproduced 0 of 1", so the count is not a constant.
. "$(dirname "$0")/lib.sh"
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
out=$scratch/repro-bundle
rm -rf "$out" "$out.copy"
"$daxtorture" repro --standalone "$source_dir/docs/findings/upstream/devdax-pud-mremap" \
  --kernel-package newest --out "$out" > "$out.log" 2>&1 || { cat "$out.log" >&2; fail "repro --standalone"; }
[ ! -e "$out/guest/daxtorture" ] || fail "the standalone bundle carries the daxtorture binary"
cp -R "$out" "$out.copy"
last=$(cd / && "$out.copy/run.sh" 1 2>&1 | tee "$out.run.log" | tail -n 1)
[ "$last" = "reproduced 1 of 1" ] || { cat "$out.run.log" >&2; fail "expected 'reproduced 1 of 1', got '$last'"; }
grep -q "bad pud" "$out.copy/runs/1/console.log" || fail "no 'bad pud' on the console"
grep -q "Bad rss-counter state .*MM_FILEPAGES val:262144" "$out.copy/runs/1/console.log" ||
  fail "no rss-counter line on the console"
echo "ok: standalone mremap bundle: $last"
echo 'no kernel prints this line' >> "$out.copy/guest/expect"
last=$(cd / && "$out.copy/run.sh" 1 2>&1 | tail -n 1)
[ "$last" = "reproduced 0 of 1" ] || fail "with an expected line that never comes: '$last'"
echo "ok: the same boot against a line that never comes: $last"
rm -rf "$out" "$out.copy"  # 2 x 56 MiB; kept when a check above failed
