#!/bin/sh
# A run while the machine changes under it: every few seconds mkfs.xfs,
# dmsetup and a shared library of kmod (liblzma.so.5) disappear from the
# host and come back, as during an unattended upgrade. A guest that runs
# from its own image must not notice: no instance BROKEN, and with a quiet
# run of the same selection given, the same verdict for every instance.
# Against the previous design (the guest ran the host's root over 9p), the
# same churn breaks instances: give that build as DAXTORTURE_BIN and
# EXPECT=broken.
#
# The files are never removed from the real machine: the run and the churn
# live in a private mount namespace (unshare -m) where /usr/sbin and the
# library folder are overlays; "removing" writes a whiteout into a tmpfs
# that only this namespace sees. Other users of the machine, and its
# package manager, keep every file, and the namespace and its changes
# vanish with the last process in it, however this script ends (even
# SIGKILL): there is nothing to put back on the host.
#
# usage: host_churn.sh [-t PATTERN]...    (default: the default set)
# environment:
#   DAXTORTURE_BIN          the daxtorture to run (required)
#   DAXTORTURE_TEST_RESULTS scratch folder for the run (default: mktemp -d)
#   KERNEL                  --kernel-package (default: default)
#   QUIET_RUN               a run folder of the same selection without
#                           churn: every verdict must match it
#   EXPECT                  "clean" (default): 0 BROKEN; "broken": at least
#                           one BROKEN instance (the proof against 9p)
#   CHURN_GONE, CHURN_BACK  seconds the files are away / back (default 2, 2)
# Not in CI: a whole default set (about 6 min here under TCG) twice; the
# unit tests and the VM tests cover the image itself. Run it by hand.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "host_churn.sh: needs root (mount namespace, QEMU); run it with sudo" >&2; exit 2; }
command -v unshare >/dev/null || { echo "host_churn.sh: unshare is missing; fix: apt-get install util-linux" >&2; exit 2; }
kernel=${KERNEL:-default}
expect=${EXPECT:-clean}
case $expect in clean|broken) ;; *) echo "host_churn.sh: EXPECT is clean or broken, not '$expect'" >&2; exit 2 ;; esac
gone=${CHURN_GONE:-2} back=${CHURN_BACK:-2}
libdir=/usr/lib/x86_64-linux-gnu
churned="/usr/sbin/mkfs.xfs /usr/sbin/dmsetup $libdir/liblzma.so.5"
for file in $churned; do [ -e "$file" ] || { echo "host_churn.sh: $file does not exist here" >&2; exit 2; }; done
out=$scratch/churn
ns=$scratch/churn.ns   # the namespace's tmpfs: overlay layers and saved copies
rm -rf "$out" "$out.ktap" "$out.log"
mkdir -p "$out" "$ns"

# Inside the namespace: overlays, the run in the background, the churn
# until the run ends. Positional parameters: the run's -t options.
unshare --mount --propagation private sh -s "$@" <<EOF
set -eu
mount -t tmpfs churn "$ns" -o mode=755
mkdir -p "$ns/sbin.upper" "$ns/sbin.work" "$ns/lib.upper" "$ns/lib.work" "$ns/saved"
cp -a /usr/sbin/mkfs.xfs /usr/sbin/dmsetup "$ns/saved/"
lzma=\$(readlink $libdir/liblzma.so.5)
mount -t overlay churn-sbin -o lowerdir=/usr/sbin,upperdir=$ns/sbin.upper,workdir=$ns/sbin.work /usr/sbin
mount -t overlay churn-lib -o lowerdir=$libdir,upperdir=$ns/lib.upper,workdir=$ns/lib.work $libdir
mkdir -p "$out/results"
"$daxtorture" vm --kernel-package "$kernel" --results "$out/results" --run-id run "\$@" \
  < /dev/null > "$out.ktap" 2> "$out.log" &
run=\$!
# Start once the guest boots: what is tested is the run, not the image build.
# ("booting", or "guest N: booting" with several guests.)
until grep -qE 'daxtorture vm: (guest [0-9]+: )?booting' "$out.log" 2>/dev/null || ! kill -0 \$run 2>/dev/null; do sleep 1; done
rounds=0
while kill -0 \$run 2>/dev/null; do
  rm -f $churned
  sleep $gone
  cp -a "$ns/saved/mkfs.xfs" "$ns/saved/dmsetup" /usr/sbin/
  ln -sf "\$lzma" $libdir/liblzma.so.5
  rounds=\$((rounds + 1))
  sleep $back
done
echo "host_churn.sh: \$rounds rounds of removing and putting back: $churned" >&2
echo \$rounds > "$out.rounds"
wait \$run || echo "host_churn.sh: the run exited with status \$?" >&2
EOF
cat "$out.log" >&2
# A run the churn never met proves nothing.
rounds=$(cat "$out.rounds" 2>/dev/null || echo 0)
[ "$rounds" -gt 0 ] || fail "the files were never removed during the run (0 rounds): the churn did not start"
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out.ktap" | head -1)
results=$(grep -cE '^(not )?ok [0-9]+ ' "$out.ktap" || true)
[ -n "$planned" ] && [ "$planned" = "$results" ] || fail "KTAP plan '$planned', results $results: a result was lost"
broken=0
for instance in $(sed -nE 's/^(not )?ok [0-9]+ ([^ ]+).*/\2/p' "$out.ktap"); do
  status=$(ktap_status "$out.ktap" "$instance")
  if [ "$status" = BROKEN ]; then
    broken=$((broken + 1))
    echo "BROKEN under churn: $instance: $(grep -E "^not ok [0-9]+ $instance " "$out.ktap" | head -1)"
  fi
  if [ -n "${QUIET_RUN:-}" ] && [ "$expect" = clean ]; then
    quiet=$(python3 -c 'import json,sys
run = json.load(open(sys.argv[1] + "/run.json"))
print(next((i["status"] for i in run["instances"] if i["name"] == sys.argv[2]), "MISSING"))' \
      "$QUIET_RUN" "$instance")
    [ "$quiet" = "$status" ] || fail "$instance: $status under churn, $quiet in the quiet run $QUIET_RUN"
  fi
done
echo "host_churn.sh: $results instances, $broken BROKEN (expected: $expect)"
if [ "$expect" = clean ]; then
  [ "$broken" = 0 ] || fail "$broken instance(s) BROKEN while the host changed"
else
  [ "$broken" -gt 0 ] || fail "no instance BROKEN: the churn did not reach this guest"
fi
