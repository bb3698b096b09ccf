#!/bin/sh
# Builds the libFuzzer targets with clang (Debian's clang and
# libclang-rt-14-dev) and runs each for a while on its seed corpus.
# usage: tests/fuzz/run.sh [SECONDS_PER_TARGET]  (default 20)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${1:-20}
work=${DAXTORTURE_FUZZ_DIR:-$(mktemp -d)}
mkdir -p "$work"
cxx=${CXX_FUZZ:-clang++}
command -v "$cxx" >/dev/null || { echo "fuzz: $cxx not found; apt-get install clang libclang-rt-14-dev" >&2; exit 2; }
flags="-std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -DDAXTORTURE_SOURCE_DIR=\"$top\" -I$top"
common="$top/core/result.cc $top/core/text_file.cc"

build() {
  name=$1; shift
  $cxx $flags -o "$work/$name" "$here/$name.cc" "$@" $common
}
build fuzz_kernel_log "$top/core/kernel_log.cc"
build fuzz_ktap "$top/reports/ktap.cc" "$top/reports/text.cc"
build fuzz_config "$top/runners/vm/machine_profile.cc" "$top/runners/expectations.cc" "$top/core/kernel_log.cc" "$top/core/registry.cc"

status=0
for target in fuzz_kernel_log:kernel_log fuzz_ktap:ktap fuzz_config:config; do
  name=${target%%:*} corpus=${target##*:}
  mkdir -p "$work/corpus-$corpus"
  # New inputs go to the scratch copy; the seeds in the repository stay as they are.
  cp -r "$here/corpus/$corpus/." "$work/corpus-$corpus/" 2>/dev/null || true
  echo "fuzz: $name for $seconds s"
  if ! "$work/$name" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix="$work/$name-" -print_final_stats=1 "$work/corpus-$corpus" \
        > "$work/$name.log" 2>&1; then
    echo "fuzz: $name found a crash; input and log in $work" >&2
    tail -40 "$work/$name.log" >&2
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$work/$name.log" | sed "s/^/fuzz: $name /"
done
exit $status
