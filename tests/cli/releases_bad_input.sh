#!/bin/sh
# Kernels from Debian's archive and the release commands refuse bad input
# before anything boots: exit status 2, one message naming the problem and
# the fix. Reads the archive's package lists (the network to Debian's
# archive, as set-up needs).
set -eu
daxtorture=${DAXTORTURE_BIN:?}
here=$(cd "$(dirname "$0")/../.." && pwd)
fetch=$here/tools/fetch-kernel
scratch=${DAXTORTURE_TEST_RESULTS:-$(mktemp -d)}/releases-bad-input
rm -rf "$scratch"; mkdir -p "$scratch"
failures=0
. "$(dirname "$0")/expect_error.sh"

expect_error "unknown suite" "no suite 'stretchy'.*fix: one of" "$fetch" --suite stretchy 7.3
expect_error "unknown version" "no amd64 kernel '9\.9'.*fix: list them" "$fetch" 9.9
expect_error "not a kernel" "'hello' is not a kernel.*fix:" "$fetch" hello
# 6.19.x: the archive lists linux-binary but not linux-base (issue 23).
expect_error "kernel only partly in the archive" "only partly in the archive: linux-base-6\.19\.6\+deb13-amd64 is missing" \
  "$fetch" --suite trixie-backports 6.19.6
expect_error "vm, unknown version" "cannot fetch kernel '9\.9'" "$daxtorture" vm --kernel-package 9.9
expect_error "range without .." "FIRST\.\.LAST" "$daxtorture" bisect --releases 7.3.4 -t 'pud_split_devdax/*/mremap'
expect_error "range out of order" "7\.3\.4 is not older than 6\.16\.3; fix: name the older release first" \
  "$daxtorture" bisect --releases 7.3.4..6.16.3 -t 'pud_split_devdax/*/mremap'
expect_error "end only partly in the archive" "no whole kernel 6\.19\.6 in suite trixie-backports" \
  "$daxtorture" sweep --releases 6.19.6..7.3.4 --suite trixie-backports
expect_error "bisect of commits and releases at once" "use one or the other" \
  "$daxtorture" bisect --releases 6.16.3..7.3.4 --tree /tmp -t x
expect_error "unknown instance" "no workload instance matches" "$daxtorture" bisect --releases 6.16.3..7.3.4 -t no_such_workload
[ "$failures" = 0 ] || { echo "$failures bad-input check(s) failed" >&2; exit 1; }
echo "all release and fetch bad-input checks passed"
