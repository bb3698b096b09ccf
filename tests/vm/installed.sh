#!/bin/sh
# A short run from an installed daxtorture: 'cmake --install' into a fresh
# prefix, then the PMD fault proofs on the default kernel from a folder
# outside the source tree. The run must pass, and read its profile and
# expectations from the prefix, not from the clone.
# usage: installed.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
build=${1:?usage: installed.sh BUILD_DIR}
# One prefix per build folder, not a fresh name per run: the guest image's
# key covers the paths its files come from, and each new key is another
# image in the cache.
prefix=/tmp/daxtorture-installed-$(echo "$build" | sha256sum | cut -c1-12)
rm -rf "$prefix"
elsewhere=$(mktemp -d /tmp/daxtorture-elsewhere.XXXXXX)
trap 'rm -rf "$prefix" "$elsewhere"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
out=$scratch/installed
rm -rf "$out"; mkdir -p "$out"
rc=0
(cd "$elsewhere" && "$prefix/bin/daxtorture" vm --jobs 1 -t 'pmd_fault*' --results "$out" --run-id run) \
  > "$out.ktap" 2> "$out.log" || rc=$?
cat "$out.log" >&2
expect_exit 0 "$rc" "the installed daxtorture vm -t 'pmd_fault*'"
instances=$(sed -nE 's/^(not )?ok [0-9]+ ([^ ]+).*/\2/p' "$out.ktap")
[ -n "$instances" ] || fail "no results in $out.ktap"
for instance in $instances; do expect_status "$out.ktap" "$instance" PASS; done
profile=$(jq -r '.info.environment.profile' "$out/run/run.json")
expectations=$(jq -r '.info.environment.expectations' "$out/run/run.json")
case $profile in "$prefix/share/daxtorture/"*) ;; *) fail "the run's profile is $profile, not the installed one";; esac
case $expectations in "$prefix/share/daxtorture/"*) ;; *) fail "the run's expectations are $expectations, not the installed ones";; esac
echo "ok: profile $profile, expectations $expectations"
