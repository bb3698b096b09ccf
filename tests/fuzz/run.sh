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
# The kernel-log classifier: kmsg parsing, the finding patterns, the
# allow-list, on PCRE2.
kernel_log="$top/core/kernel_log.cc $top/core/kmsg_parse.cc $top/core/finding_patterns.cc $top/core/allow_list.cc $top/core/regex.cc"
# libFuzzer's default max_len (4 KiB) never reaches the lines that broke
# std::regex (a 200 KB line overflowed its executor's stack): the kernel
# log gets inputs up to 1 MiB, and seeds that start long. (The others stay
# at 4 KiB: profiles and expectation files are short; their user regexes
# are PCRE2 too since std::regex timed out on a fuzzed 'kernel:' line.)
max_len_kernel_log=1048576

build() {
  name=$1; shift
  $cxx $flags -o "$work/$name" "$here/$name.cc" "$@" $common -lpcre2-8
}
build fuzz_kernel_log $kernel_log
build fuzz_ktap "$top/reports/ktap.cc" "$top/reports/failure_text.cc" "$top/reports/text.cc"
build fuzz_config "$top/runners/vm/machine_profile.cc" "$top/runners/expectations.cc" $kernel_log "$top/core/registry.cc"

status=0
for target in fuzz_kernel_log:kernel_log:$max_len_kernel_log fuzz_ktap:ktap:4096 fuzz_config:config:4096; do
  name=${target%%:*} rest=${target#*:}
  corpus=${rest%%:*} max_len=${rest##*:}
  mkdir -p "$work/corpus-$corpus"
  # New inputs go to the scratch copy; the seeds in the repository stay as they are.
  cp -r "$here/corpus/$corpus/." "$work/corpus-$corpus/" 2>/dev/null || true
  if [ "$corpus" = kernel_log ]; then
    # A 512 KiB finding line and a 1 MiB line of nothing in particular.
    { printf '[   12.345678] BUG: '; head -c 524288 /dev/zero | tr '\0' a; echo; } > "$work/corpus-$corpus/long-bug-line"
    { printf '4,12,34,-;'; head -c 1048000 /dev/zero | tr '\0' x; echo; } > "$work/corpus-$corpus/long-kmsg-line"
  fi
  echo "fuzz: $name for $seconds s"
  if ! "$work/$name" -max_total_time="$seconds" -max_len=$max_len -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix="$work/$name-" -print_final_stats=1 "$work/corpus-$corpus" \
        > "$work/$name.log" 2>&1; then
    echo "fuzz: $name found a crash; input and log in $work" >&2
    tail -40 "$work/$name.log" >&2
    status=1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$work/$name.log" | sed "s/^/fuzz: $name /"
done
exit $status
