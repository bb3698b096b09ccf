#!/bin/sh
# 'daxtorture repro' refuses what it cannot reproduce or report with exit
# status 2 and one line naming the problem and the fix: an instance that
# passed, a folder that is no instance, a run that does not say where its
# kernel came from, a kernel that is no longer there. A report without the
# kernel's -dbg package is still written, with one line saying what was not
# decoded.
set -eu
daxtorture=${DAXTORTURE_BIN:?}
data=$(cd "$(dirname "$0")/../data/runs" && pwd)
scratch=${DAXTORTURE_TEST_RESULTS:-$(mktemp -d)}/repro-bad-input
rm -rf "$scratch"; mkdir -p "$scratch"
failures=0
. "$(dirname "$0")/expect_error.sh"

cp -R "$data/n2-6.12-short" "$scratch/run"
run=$scratch/run
failed=$run/instances/pin_matrix_sample~xfs~vmsplice.truncate.unmapped.4k
expect_error "instance that passed" "passed in .*: there is no kernel failure.*name a FAIL, CRASH or TIMEOUT" \
  "$daxtorture" repro "$run/instances/pin_matrix_sample~xfs~dio_read.punch_hole.mapped.pmd" --out "$scratch/b"
expect_error "instance that was BROKEN" "was BROKEN" \
  "$daxtorture" repro "$run/instances/pin_matrix_sample~xfs~uring_write.unlink.closed.4k" --out "$scratch/b"
expect_error "run folder instead of an instance" "is not an instance folder.*RUN/instances/NAME" \
  "$daxtorture" repro "$run" --out "$scratch/b"
expect_error "no --out" "say where the bundle goes: --out DIR" "$daxtorture" repro "$failed"
expect_error "kernel gone from the cache" "the kernel of .* is gone; fetch it again with 'tools/fetch-kernel linux-image-6.12.117" \
  "$daxtorture" repro "$failed" --out "$scratch/b"
mkdir -p "$scratch/not-bundle"; : > "$scratch/not-bundle/precious"
expect_error "output folder that is not a bundle" "exists and is not a reproducer bundle" \
  "$daxtorture" repro --standalone "$scratch" --out "$scratch/not-bundle"
[ -e "$scratch/not-bundle/precious" ] || { echo "FAIL: a folder that is not a bundle was removed" >&2; failures=$((failures + 1)); }
expect_error "finding folder without its files" "has no repro.c; a finding folder holds" \
  "$daxtorture" repro --standalone "$scratch" --out "$scratch/b"

# The run without its kernel's origin.
cp -R "$data/n2-6.12-short" "$scratch/no-origin"
sed -i 's/"kernel_origin"/"kernel_origin_removed"/' "$scratch/no-origin/run.json"
expect_error "run without the kernel's origin" "does not say where its kernel came from.*--kernel-package" \
  "$daxtorture" repro --report "$scratch/no-origin/instances/pin_matrix_sample~xfs~vmsplice.truncate.unmapped.4k"

# No -dbg package for that kernel: the mail is written, one line says so.
rc=0
"$daxtorture" repro --report "$failed" -o "$scratch/mail.txt" 2> "$scratch/err" || rc=$?
if [ "$rc" = 0 ] && grep -q "^Subject: \[BUG\]" "$scratch/mail.txt" &&
   grep -q "not decoded: no vmlinux with debug info.*fix: tools/fetch-kernel --dbg linux-image-6.12.117" "$scratch/err"; then
  echo "ok: report without -dbg: $(head -n 1 "$scratch/err")"
else
  echo "FAIL: report without -dbg: exit $rc, $(cat "$scratch/err")" >&2
  failures=$((failures + 1))
fi
[ "$failures" = 0 ] || exit 1
