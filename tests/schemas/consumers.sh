#!/bin/sh
# The report writers' outputs for real runs, read by their consumers. The
# runs are the real run folders in tests/data/runs/ (see its README), judged
# again against vm-configs/expectations:
#   each run's kcidb.json, junit.xml and results.ktap through
#   validate-run.sh (KCIDB v5.3, junit-10.xsd, kunit.py parse);
#   with --browser also the run page, the two-kernel page and the history
#   page in headless Chromium (tests/browser/check_pages.sh), screenshots in
#   $DAXTORTURE_TEST_RESULTS/browser.
# usage: consumers.sh [--browser]   (DAXTORTURE_BIN: the daxtorture binary)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${DAXTORTURE_BIN:?DAXTORTURE_BIN must name the daxtorture binary}
out=${DAXTORTURE_TEST_RESULTS:-$(mktemp -d)}/consumers
rm -rf "$out"
mkdir -p "$out/runs"
cp -r "$top/tests/data/runs/." "$out/runs/"
status=0
for run in "$out"/runs/*/; do
  run=${run%/}
  [ -f "$run/run.json" ] || continue
  "$bin" report --expectations "$top/vm-configs/expectations" -o "$run/report.html" \
    --kcidb "$run/kcidb.json" --junit "$run/junit.xml" --ktap "$run/results.ktap" "$run"
  echo "== $(basename "$run")"
  # kunit.py is unpacked once, outside the folder each run starts afresh.
  sh "$here/validate-run.sh" "$run" "$out/../kunit-cache" || status=1
done
if [ "${1:-}" = --browser ]; then
  set -- "$out"/runs/*/
  first=${1%/}
  last=$(ls -d "$out"/runs/*/ | tail -n 1)
  "$bin" report --expectations "$top/vm-configs/expectations" -o "$out/two-kernels.html" "$first" "${last%/}"
  "$bin" report --history "$out/runs" -o "$out/history.html"
  sh "$top/tests/browser/check_pages.sh" "$out/browser" "$first/report.html" "$out/two-kernels.html" \
    "$out/history.html" || status=1
fi
exit $status
