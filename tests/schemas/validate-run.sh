#!/bin/sh
# Checks a run folder's machine-readable outputs with the programs and
# schemas their consumers use, and prints what each validator said:
#   kcidb.json     KCIDB I/O schema v5.3 (kcidb-io.schema.v5.3.json), Debian's
#                  python3-jsonschema, uri and date-time formats checked;
#   junit.xml      Jenkins xunit plugin's junit-10.xsd, xmllint --schema;
#   results.ktap   the kernel's own tools/testing/kunit/kunit.py parse (from
#                  Debian's linux-source-6.12 tarball): 0 errors, and one
#                  "known failure:" line per known failure of run.json.
# usage: tests/schemas/validate-run.sh RUN_DIR [SCRATCH_DIR]
# Exit status 0 when every output is accepted, 1 when one is not, 2 when a
# validator is missing (the message names the package).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
run=$(realpath "${1:?usage: validate-run.sh RUN_DIR [SCRATCH_DIR]}")  # kunit.py changes directory
scratch=${2:-${TMPDIR:-/tmp}/daxtorture-validate}
mkdir -p "$scratch"
python=/usr/bin/python3   # Debian's, which has python3-jsonschema
status=0

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "validate-run: $1 is missing; fix: apt-get install $2 (or run tools/setup)" >&2; exit 2; }
}
need xmllint libxml2-utils
need "$python" python3
"$python" -c 'import jsonschema, rfc3987' 2>/dev/null ||
  { echo "validate-run: python3-jsonschema or python3-rfc3987 is missing; fix: apt-get install python3-jsonschema python3-rfc3987" >&2; exit 2; }

echo "== kcidb.json against KCIDB v5.3 ($run/kcidb.json)"
"$python" - "$here/kcidb-io.schema.v5.3.json" "$run/kcidb.json" <<'PY' || status=1
import datetime, json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
data = json.load(open(sys.argv[2]))
checker = jsonschema.FormatChecker()
# Debian 12 has no rfc3339-validator: check date-time with the standard library.
@checker.checks("date-time", raises=ValueError)
def date_time(value):
    if not isinstance(value, str): return True
    if "T" not in value or not (value.endswith("Z") or value[-6] in "+-"): raise ValueError("no time zone")
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True
validator = jsonschema.Draft7Validator(schema, format_checker=checker)
errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
for e in errors[:20]:
    print("  error at %s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:300]))
print("  version %d.%d: %d checkouts, %d builds, %d tests, %d issues, %d incidents; %d errors" % (
    data["version"]["major"], data["version"]["minor"], len(data.get("checkouts", [])),
    len(data.get("builds", [])), len(data.get("tests", [])), len(data.get("issues", [])),
    len(data.get("incidents", [])), len(errors)))
sys.exit(1 if errors else 0)
PY

echo "== junit.xml against junit-10.xsd ($run/junit.xml)"
if xmllint --noout --schema "$here/junit-10.xsd" "$run/junit.xml" >"$scratch/xmllint.out" 2>&1; then
  sed 's/^/  /' "$scratch/xmllint.out"
  echo "  0 errors"
else
  sed 's/^/  /' "$scratch/xmllint.out" | head -20
  echo "  $(grep -c 'error' "$scratch/xmllint.out" || true) errors"
  status=1
fi

echo "== results.ktap through kunit.py parse ($run/results.ktap)"
kunit=$scratch/linux-source-6.12/tools/testing/kunit/kunit.py
if [ ! -f "$kunit" ]; then
  tarball=/usr/src/linux-source-6.12.tar.xz
  [ -f "$tarball" ] || { echo "validate-run: $tarball is missing; fix: apt-get install linux-source-6.12 (or run tools/setup)" >&2; exit 2; }
  tar -xJf "$tarball" -C "$scratch" --wildcards 'linux-source-6.12/tools/testing/kunit/*'
fi
"$python" "$kunit" parse "$run/results.ktap" >"$scratch/kunit.out" 2>&1 || true
tail -n 3 "$scratch/kunit.out" | sed 's/^/  /'
summary=$(grep -E 'Testing complete\.' "$scratch/kunit.out" | tail -n 1 | sed 's/\x1b\[[0-9;]*m//g')
case $summary in
  *errors:*) echo "  kunit.py reported parse errors" >&2; status=1 ;;
  "") echo "  kunit.py printed no summary" >&2; status=1 ;;
esac
known=$("$python" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(i.get("expectation")=="known_failure" for i in r["instances"]))' "$run/run.json")
lines=$(grep -c '^# known failure: ' "$run/results.ktap" || true)
echo "  $known known failures in run.json, $lines '# known failure:' lines in results.ktap"
[ "$known" = "$lines" ] || status=1
exit $status
