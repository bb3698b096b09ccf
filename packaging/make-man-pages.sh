#!/bin/sh
# Writes daxtorture's man pages with help2man from the binary's own --help:
# daxtorture(1) from the main help, and daxtorture-COMMAND(1) for every
# command its "commands:" list names (and daxtorture-vm-bench(1)), so a new
# command gets its page without an edit here.
#
# usage: make-man-pages.sh BINARY OUTDIR VERSION INCLUDE_FILE
set -eu
binary=$1 out=$2 version=$3 include=$4
command -v help2man >/dev/null || { echo "make-man-pages.sh: help2man is missing; fix: apt-get install help2man" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/bin"

# "  vm      boot a kernel ...\n          run workloads inside it" -> "vm<TAB>boot a kernel ... run workloads inside it"
commands=$("$binary" --help | awk '
  /^commands:/ { inside = 1; next }
  inside && /^[^ ]/ { inside = 0 }
  inside && /^  [a-z]/ { if (name != "") print name "\t" text; name = $1; sub(/^  [a-z]+ +/, ""); text = $0; next }
  inside && /^     / { sub(/^ +/, ""); text = text " " $0 }
  END { if (name != "") print name "\t" text }')
[ -n "$commands" ] || { echo "make-man-pages.sh: no commands in '$binary --help'" >&2; exit 2; }

see_also=$(echo "$commands" | cut -f1 | sed 's/.*/daxtorture-&(1)/' | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
see_also="$see_also, daxtorture-vm-bench(1)"

# help2man names a page after the program it runs: one small wrapper per command.
page() {
  name=$1 summary=$2 shift_words=$3
  wrapper=$out/bin/$name
  printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$binary" "$shift_words" > "$wrapper"
  chmod +x "$wrapper"
  {
    cat "$include"
    printf '[SEE ALSO]\n'
    if [ "$name" = daxtorture ]; then echo "$see_also"; else echo "daxtorture(1)"; fi
  } > "$out/bin/$name.h2m"
  help2man --no-info --version-string="$version" --name="$summary" \
    --include="$out/bin/$name.h2m" --output="$out/$name.1" "$wrapper"
  gzip -9n "$out/$name.1"
}

page daxtorture "stress and regression suite for Linux FS-DAX on persistent memory" ""
echo "$commands" | while IFS="	" read -r name summary; do
  page "daxtorture-$name" "$summary" "$name"
done
page daxtorture-vm-bench "page-fault latency on DAX mappings inside a guest" "vm bench"
rm -rf "$out/bin"
