#!/bin/sh
# run.sh of a reproducer bundle (written by 'daxtorture repro'): boots the
# bundled kernel and guest image in QEMU with an emulated NVDIMM, once per
# repetition, and counts the repetitions that failed. Needs only
# qemu-system-x86_64 and a POSIX shell with coreutils; nothing else of the
# machine that made it.
#
# usage: ./run.sh [N]        N repetitions (default 1)
# Each boot gets a fresh NVDIMM file and a fresh shared folder under
# runs/ (set RUNS=DIR to put them elsewhere); its console is runs/K/console.log.
# One boot per repetition: a kernel oops ends the boot it happens in.
# Last line: "reproduced K of N".
set -eu
bundle=$(cd "$(dirname "$0")" && pwd)
. "$bundle/guest/bundle.conf"
n=${1:-1}
case $n in ''|*[!0-9]*|0) echo "run.sh: N must be a positive number, not '$n'" >&2; exit 2 ;; esac
command -v qemu-system-x86_64 >/dev/null ||
  { echo "run.sh: qemu-system-x86_64 is not installed; fix: apt-get install qemu-system-x86" >&2; exit 2; }
[ -r "$bundle/kernel/vmlinuz" ] ||
  { echo "run.sh: $bundle/kernel/vmlinuz is missing; fetch it as kernel/ORIGIN says" >&2; exit 2; }
runs=${RUNS:-$bundle/runs}
# The accelerator of the run that failed (bundle.conf); ACCEL=kvm or
# ACCEL=tcg decides instead. Not probed: a QEMU that opens /dev/kvm may
# still fail at the first CPU register it sets (seen on nested hosts).
accel=${ACCEL:-$accel}

# The QEMU words, one per line in qemu-args.$accel, with @KERNEL@, @INITRD@,
# @NVDIMM@ and @SHARE@ standing for this boot's files.
qemu_words() {
  nvdimm=$1 share=$2
  while IFS= read -r word; do
    word=$(printf '%s\n' "$word" | sed -e "s|@KERNEL@|$bundle/kernel/vmlinuz|" \
      -e "s|@INITRD@|$bundle/guest.cpio|" -e "s|@NVDIMM@|$nvdimm|" -e "s|@SHARE@|$share|")
    printf '%s\n' "$word"
  done < "$bundle/qemu-args.$accel"
}

# The verdict of one boot from what it left: the runner's instance.json in
# daxtorture mode, the console's kernel lines in standalone mode.
verdict_of() {
  share=$1 console=$2 timed_out=$3
  crash=$(grep -E 'Oops|BUG: unable to handle|general protection fault|Kernel panic' "$console" | head -n 1 || true)
  if [ "$mode" = standalone ]; then
    missing=
    while IFS= read -r pattern; do
      [ -z "$pattern" ] && continue
      grep -qE "$pattern" "$console" || missing="$missing '$pattern'"
    done < "$bundle/guest/expect"
    if [ -z "$missing" ]; then echo "REPRODUCED every expected kernel line"
    elif grep -q 'daxtorture-init: guest command exited' "$console"; then echo "NOT-REPRODUCED missing$missing"
    elif [ "$timed_out" = yes ]; then echo "TIMEOUT missing$missing"
    else echo "BROKEN the guest ended early, missing$missing"; fi
    return
  fi
  status=$(cat "$share"/out/instances/*/instance.json 2>/dev/null |
           sed -n 's/.*"status": *"\([A-Z]*\)".*/\1/p' | head -n 1)
  if [ -n "$status" ]; then echo "$status"
  elif [ -n "$crash" ]; then echo "CRASH $crash"
  elif [ "$timed_out" = yes ]; then echo "TIMEOUT no result after ${boot_timeout} s"
  else echo "BROKEN the guest wrote no result (see the console)"; fi
}

failed=0
i=1
echo "run.sh: $what; $n repetition(s) on $kernel_release ($accel)"
while [ "$i" -le "$n" ]; do
  dir=$runs/$i
  rm -rf "$dir"
  mkdir -p "$dir/share/.guest"
  cp "$bundle/guest/run.sh" "$dir/share/.guest/run.sh"
  cp -R "$bundle/guest" "$dir/share/bundle"
  : > "$dir/nvdimm.img"
  truncate -s "$nvdimm_size" "$dir/nvdimm.img"
  qemu_words "$dir/nvdimm.img" "$dir/share" > "$dir/qemu-command.txt"
  set --
  while IFS= read -r word; do set -- "$@" "$word"; done < "$dir/qemu-command.txt"
  "$@" > "$dir/console.log" 2>&1 < /dev/null &
  qemu=$!
  timed_out=no
  start=$(date +%s)
  while kill -0 "$qemu" 2>/dev/null; do
    # An oops leaves a guest that may never power off: stop it once the
    # report is complete.
    if grep -qE -e '---\[ end trace|Kernel panic' "$dir/console.log" 2>/dev/null; then
      sleep 5
      kill "$qemu" 2>/dev/null || true
      break
    fi
    if [ $(( $(date +%s) - start )) -ge "$boot_timeout" ]; then
      timed_out=yes
      kill "$qemu" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  wait "$qemu" 2>/dev/null || true
  verdict=$(verdict_of "$dir/share" "$dir/console.log" "$timed_out")
  case $verdict in
    FAIL*|CRASH*|TIMEOUT*|REPRODUCED*) failed=$((failed + 1)) ;;
  esac
  echo "run.sh: repetition $i: $verdict ($(( $(date +%s) - start )) s, console: $dir/console.log)"
  rm -f "$dir/nvdimm.img"
  i=$((i + 1))
done
echo "reproduced $failed of $n"
