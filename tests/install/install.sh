#!/bin/sh
# The tool installed as a user or a farm installs it, and run from outside
# the source tree: 'cmake --install' into a fresh prefix (binary, data,
# man pages), every command's --help and 'list' from another folder, the
# data found beside the installed binary and never in the clone, one clear
# line when the data folder is missing, a moved clone reading its own tree;
# then the Debian package (cpack):
# its control fields, its file list, and its binary run from the unpacked
# package. Boots nothing (tests/vm/installed.sh does).
# usage: install.sh BUILD_DIR
set -eu
build=${1:?usage: install.sh BUILD_DIR}
daxtorture=${DAXTORTURE_BIN:?}
scratch=${DAXTORTURE_TEST_RESULTS:-$(mktemp -d)}
rm -rf "$scratch"; mkdir -p "$scratch"
# Outside the source and build trees: an install must not lean on them.
prefix=$(mktemp -d /tmp/daxtorture-install.XXXXXX)
elsewhere=$(mktemp -d /tmp/daxtorture-elsewhere.XXXXXX)
trap 'rm -rf "$prefix" "$elsewhere"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

cmake --install "$build" --prefix "$prefix" > "$scratch/install.log" || { cat "$scratch/install.log" >&2; exit 1; }
(cd "$prefix" && find . -type f | sort) > "$scratch/installed-files.txt"
data=$prefix/share/daxtorture
for file in bin/daxtorture share/daxtorture/vm-configs/default.profile share/daxtorture/vm-configs/dmesg-allow.txt \
    share/daxtorture/vm-configs/kernel.config share/daxtorture/vm-configs/lava/job.yaml.in \
    share/daxtorture/runners/vm/guest-init.sh share/daxtorture/runners/vm/make-initramfs.sh \
    share/daxtorture/runners/lava/validate-job.py share/daxtorture/tools/fetch-kernel \
    share/daxtorture/tools/build-fault-module share/daxtorture/fixtures/fault-module/daxtorture_fault.c \
    share/daxtorture/fixtures/fault-module/Kbuild share/man/man1/daxtorture.1.gz share/man/man1/daxtorture-vm.1.gz; do
  [ -s "$prefix/$file" ] || fail "cmake --install left out $file"
done
for program in bin/daxtorture share/daxtorture/tools/fetch-kernel share/daxtorture/tools/build-fault-module; do
  [ -x "$prefix/$program" ] || fail "$program is not executable"
done
[ "$(ls "$data/vm-configs/expectations" | wc -l)" = "$(ls "$(dirname "$0")/../../vm-configs/expectations" | wc -l)" ] ||
  fail "not every expectations file was installed"
ok "installed $(wc -l < "$scratch/installed-files.txt") files into $prefix"

installed=$prefix/bin/daxtorture
cd "$elsewhere"
# Every command the main help lists, and 'vm bench': --help, and its man page.
commands=$("$installed" --help | awk '/^commands:/ { on = 1; next } on && /^[^ ]/ { on = 0 } on && /^  [a-z]/ { print $1 }')
[ -n "$commands" ] || fail "no commands in 'daxtorture --help'"
for command in $commands "vm bench"; do
  # shellcheck disable=SC2086  # "vm bench" is two words
  if "$installed" $command --help > "$scratch/help.txt" && grep -q "^usage: daxtorture $command" "$scratch/help.txt"; then
    ok "daxtorture $command --help"
  else
    fail "daxtorture $command --help from $elsewhere"
  fi
  page=$prefix/share/man/man1/daxtorture-$(echo "$command" | tr ' ' '-').1.gz
  if [ -s "$page" ] && zcat "$page" | grep -q '^\.SH DESCRIPTION' &&
     zcat "$page" | grep -q "usage: daxtorture $command"; then
    ok "man page $(basename "$page") holds the --help text"
  else
    fail "man page $page missing or not made from '$command --help'"
  fi
done
"$installed" list > "$scratch/list.txt" || fail "daxtorture list from $elsewhere"
[ "$(grep -c . "$scratch/list.txt")" -gt 10 ] && ok "daxtorture list: $(grep -c . "$scratch/list.txt") lines" ||
  fail "daxtorture list printed too little"

# The data comes from beside the binary: an error that names a data file
# names the installed one.
rc=0
"$installed" vm --kernel-package no-such-alias > /dev/null 2> "$scratch/err" || rc=$?
if [ "$rc" = 2 ] && grep -q "$data/tools/fetch-kernel" "$scratch/err"; then
  ok "the installed binary names its own fetcher: $(cat "$scratch/err")"
else
  fail "exit $rc, expected the fetcher under $data: $(cat "$scratch/err")"
fi

# A data folder gone, or a binary copied out alone: one line naming where
# it looked and how to install; never the clone it was built from.
expect_missing_data() {
  what=$1 binary=$2 looked=$3
  rc=0
  "$binary" vm -t 'pmd_fault*' > /dev/null 2> "$scratch/err" || rc=$?
  if [ "$rc" = 2 ] && [ "$(wc -l < "$scratch/err")" = 1 ] &&
     grep -q "no data folder $looked/ beside $binary; fix: .*cmake --install" "$scratch/err"; then
    ok "$what: $(cat "$scratch/err")"
  else
    fail "$what: exit $rc, message: $(cat "$scratch/err")"
  fi
}
mv "$data" "$data.away"
expect_missing_data "data folder removed" "$installed" "$data"
mv "$data.away" "$data"
mkdir -p "$elsewhere/lone/bin"
cp "$installed" "$elsewhere/lone/bin/daxtorture"
expect_missing_data "binary copied out alone" "$elsewhere/lone/bin/daxtorture" "$elsewhere/lone/share/daxtorture"

# A clone moved after building: its build folder's binary reads the tree
# that now holds it (the part of a clone data_path looks for).
top=$(cd "$(dirname "$0")/../.." && pwd)
moved=$elsewhere/moved-clone
mkdir -p "$moved/build/runners" "$moved/runners/vm"
cp -r "$top/vm-configs" "$top/CMakeLists.txt" "$moved/"
cp "$top/runners/vm/guest-init.sh" "$moved/runners/vm/"
cp "$daxtorture" "$moved/build/runners/daxtorture"
rc=0
"$moved/build/runners/daxtorture" vm --kernel-package no-such-alias > /dev/null 2> "$scratch/err" || rc=$?
[ "$rc" = 2 ] && grep -q "'$moved/tools/fetch-kernel " "$scratch/err" && ok "a moved clone reads its own tree" ||
  fail "a moved clone's binary did not read the tree that holds it: $(cat "$scratch/err")"

# The Debian package, from the same install rules.
cd "$build"
rm -rf "$scratch/deb"
cpack -G DEB -B "$scratch/deb" > "$scratch/cpack.log" 2>&1 || { cat "$scratch/cpack.log" >&2; exit 1; }
deb=$(ls "$scratch"/deb/daxtorture_*_amd64.deb)
dpkg-deb -I "$deb" > "$scratch/deb-info.txt"
dpkg-deb -c "$deb" > "$scratch/deb-contents.txt"
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB, $(grep -c '^-' "$scratch/deb-contents.txt") files)"
depends=$(sed -n 's/^ Depends: //p' "$scratch/deb-info.txt")
for package in qemu-system-x86 busybox-static kmod xfsprogs e2fsprogs dmsetup ndctl daxctl cpio libc6 libndctl6 libpmem2 liburing2; do
  echo ", $depends," | grep -q "[ ,|]$package[ ,(]" || fail "the package does not depend on $package"
done
ok "Depends: $depends"
for path in ./usr/bin/daxtorture ./usr/share/daxtorture/vm-configs/default.profile \
    ./usr/share/daxtorture/runners/vm/guest-init.sh ./usr/share/daxtorture/tools/fetch-kernel \
    ./usr/share/daxtorture/fixtures/fault-module/daxtorture_fault.c ./usr/share/man/man1/daxtorture.1.gz; do
  grep -q " $path\$" "$scratch/deb-contents.txt" || fail "the package lacks $path"
done
grep -q '^-rwxr-xr-x .* ./usr/share/daxtorture/tools/fetch-kernel$' "$scratch/deb-contents.txt" ||
  fail "tools/fetch-kernel is not executable in the package"
# Its tree as it lands in /usr, run from where it was unpacked.
dpkg-deb -x "$deb" "$elsewhere/unpacked"
cd "$elsewhere"
"$elsewhere/unpacked/usr/bin/daxtorture" list > /dev/null || fail "the packaged binary cannot list"
rc=0
"$elsewhere/unpacked/usr/bin/daxtorture" vm --kernel-package no-such-alias > /dev/null 2> "$scratch/err" || rc=$?
grep -q "$elsewhere/unpacked/usr/share/daxtorture/tools/fetch-kernel" "$scratch/err" &&
  ok "the unpacked package finds its data in usr/share/daxtorture" ||
  fail "the unpacked package's binary did not find its data: $(cat "$scratch/err")"
# Every dependency resolves in this machine's Debian archive, as on a
# machine that has nothing installed yet (apt's simulation, no change).
if apt-cache show qemu-system-x86 > /dev/null 2>&1; then
  : > "$scratch/empty-status"
  if apt-get -s -o Dir::State::status="$scratch/empty-status" install "$deb" > "$scratch/apt-simulation.txt" 2>&1; then
    ok "apt-get would install it on an empty system ($(grep -c '^Inst ' "$scratch/apt-simulation.txt") packages)"
  else
    fail "apt-get cannot resolve the package's dependencies: $(grep -E '^ |^E:' "$scratch/apt-simulation.txt" | head -5)"
  fi
else
  echo "note: no package lists on this machine; apt's simulation skipped (apt-get update)"
fi

[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
