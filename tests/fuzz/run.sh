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
# std::regex (a 200 KB line overflowed its executor's stack): every target
# gets inputs up to 1 MiB, and seeds that start long (made below: a long
# line is where a per-character recursion or a quadratic scan shows).
max_len=1048576

build() {
  name=$1; shift
  $cxx $flags -o "$work/$name" "$here/$name.cc" "$@" $common -lpcre2-8
}
build fuzz_kernel_log $kernel_log
build fuzz_ktap "$top/reports/ktap.cc" "$top/reports/failure_text.cc" "$top/reports/text.cc"
build fuzz_config "$top/runners/vm/machine_profile.cc" "$top/runners/results/expectations.cc" $kernel_log "$top/core/registry.cc"

# One line: the prefix (printf escapes, e.g. \001), then COUNT copies of CHAR.
# usage: long_line PREFIX COUNT CHAR
long_line() {
  printf "$1"; head -c "$2" /dev/zero | tr '\0' "$3"; echo
}

status=0
for target in fuzz_kernel_log:kernel_log fuzz_ktap:ktap fuzz_config:config; do
  name=${target%%:*} corpus=${target#*:}
  mkdir -p "$work/corpus-$corpus"
  # New inputs go to the scratch copy; the seeds in the repository stay as they are.
  cp -r "$here/corpus/$corpus/." "$work/corpus-$corpus/" 2>/dev/null || true
  case $corpus in
    kernel_log)
      # A 512 KiB finding line and a 1 MiB line of nothing in particular.
      long_line '[   12.345678] BUG: ' 524288 a > "$work/corpus-$corpus/long-bug-line"
      long_line '4,12,34,-;' 1048000 x > "$work/corpus-$corpus/long-kmsg-line" ;;
    ktap)
      # A 1 MiB diagnostic line, and a result line with a 512 KiB name.
      { echo 'KTAP version 1'; echo '1..1'; long_line '# ' 1048000 d; } > "$work/corpus-$corpus/long-diagnostic"
      { echo 'KTAP version 1'; echo '1..1'; long_line 'not ok 1 ' 524288 n; } > "$work/corpus-$corpus/long-result" ;;
    config)
      # The first byte picks the parser (0 profile, 1 expectations, 2
      # allow-list); each gets a 512 KiB line.
      long_line '\000memory = ' 524288 9 > "$work/corpus-$corpus/long-profile-line"
      long_line '\001pmd_fault_xfs/xfs/read FAIL ' 524288 w > "$work/corpus-$corpus/long-expect-line"
      long_line '\002' 524288 a > "$work/corpus-$corpus/long-allow-line" ;;
  esac
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
