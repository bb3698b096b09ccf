# expect_error WHAT PATTERN COMMAND...: the command exits 2 with a message
# of at most two lines matching PATTERN; counts misses in $failures.
# Sourced by the bad-input tests; needs $scratch.
failures=${failures:-0}
expect_error() {
  what=$1 pattern=$2; shift 2
  rc=0
  "$@" > "$scratch/out" 2> "$scratch/err" || rc=$?
  if [ "$rc" = 2 ] && grep -Eq -- "$pattern" "$scratch/err" && [ "$(wc -l < "$scratch/err")" -le 2 ]; then
    echo "ok: $what: $(cat "$scratch/err")"
  else
    echo "FAIL: $what: exit $rc, message: $(cat "$scratch/err")" >&2
    failures=$((failures + 1))
  fi
}
