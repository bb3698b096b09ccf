#!/bin/sh
# Opens report pages in a real browser (Debian's headless Chromium) and
# checks what a reader would meet: no console message (the pages carry no
# script, so any is an error), and every link and fragment on the page as
# the browser parsed it resolves to a file, or an id in that file. Keeps two
# screenshots per page: the first screen (1280x900, what a reader sees
# first) and a tall one (1280x4000).
# usage: tests/browser/check_pages.sh OUT_DIR PAGE.html...
# Exit status 0 when every page passed, 1 when one did not, 2 when Chromium
# is missing.
set -eu
out=${1:?usage: check_pages.sh OUT_DIR PAGE.html...}
shift
[ $# -gt 0 ] || { echo "check_pages: name at least one page" >&2; exit 2; }
command -v chromium >/dev/null 2>&1 ||
  { echo "check_pages: chromium is missing; fix: apt-get install chromium (or run tools/setup)" >&2; exit 2; }
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
status=0
browse() {  # browse LOG ARGS...: one headless Chromium, its log in LOG
  log=$1
  shift
  timeout 180 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --allow-file-access-from-files "$@" 2>"$log"
}
for page in "$@"; do
  name=$(basename "$page" .html)
  url="file://$(realpath "$page")"
  browse "$out/$name.console.log" --window-size=1280,900 --screenshot="$out/$name.first-screen.png" "$url" >/dev/null
  browse "$out/$name.tall.log" --window-size=1280,4000 --screenshot="$out/$name.tall.png" "$url" >/dev/null
  browse "$out/$name.dom.log" --dump-dom "$url" >"$out/$name.dom.html"
  messages=$(cat "$out/$name.console.log" "$out/$name.tall.log" "$out/$name.dom.log" | grep -c ':CONSOLE' || true)
  if [ "$messages" != 0 ]; then
    echo "check_pages: $page: $messages console message(s):" >&2
    grep -h ':CONSOLE' "$out/$name.console.log" "$out/$name.tall.log" "$out/$name.dom.log" | head -5 >&2
    status=1
  fi
  [ -s "$out/$name.dom.html" ] || { echo "check_pages: $page: the browser returned no DOM" >&2; status=1; }
  /usr/bin/python3 "$here/check_links.py" "$page" "$out/$name.dom.html" || status=1
  echo "check_pages: $page: $messages console messages; screenshots $out/$name.first-screen.png, $out/$name.tall.png"
done
exit $status
