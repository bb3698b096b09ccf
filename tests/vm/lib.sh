# Shared by the VM tests: where the binary is, a scratch results folder, and
# assertions on the KTAP stream a run printed. Sourced, not run.
set -eu
daxtorture=${DAXTORTURE_BIN:?DAXTORTURE_BIN must name the daxtorture binary}
scratch=${DAXTORTURE_TEST_RESULTS:-$(mktemp -d)}
mkdir -p "$scratch"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# ktap_status KTAP_FILE INSTANCE -> PASS, SKIP, FAIL, TIMEOUT, BROKEN, CRASH or MISSING
ktap_status() {
  awk -v name="$2" '
    { line = $0; sub(/^not ok [0-9]+ /, "NOTOK ", line); sub(/^ok [0-9]+ /, "OK ", line) }
    line ~ /^(OK|NOTOK) / {
      split(line, word, " ")
      if (word[2] != name) next
      rest = substr(line, length(word[1]) + length(word[2]) + 3)
      if (word[1] == "OK") status = (rest ~ /^# SKIP/) ? "SKIP" : "PASS"
      else if (rest ~ /^# TIMEOUT/) status = "TIMEOUT"
      else if (rest ~ /^# ERROR CRASH/) status = "CRASH"
      else if (rest ~ /^# ERROR/) status = "BROKEN"
      else status = "FAIL"
    }
    END { print (status == "" ? "MISSING" : status) }' "$1"
}

# expect_status KTAP_FILE INSTANCE STATUS
expect_status() {
  seen=$(ktap_status "$1" "$2")
  [ "$seen" = "$3" ] || fail "$2: expected $3, seen $seen (KTAP in $1)"
  echo "ok: $2 is $3"
}

# expect_exit EXPECTED ACTUAL WHAT
expect_exit() {
  [ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}
