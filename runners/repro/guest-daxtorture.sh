#!/bin/sh
# The guest side of a reproducer bundle in daxtorture mode: /init runs this
# (it is .guest/run.sh of the shared folder); it runs the one instance once
# with the guest image's own daxtorture binary, as 'daxtorture vm' did.
share=/run/daxtorture/results
. "$share/bundle/bundle.conf"
cd /
set -- /usr/bin/daxtorture run --vm-guest "$token" --run-dir "$share/out" --run-id repro \
  --machine qemu-tcg --timeout-scale "$timeout_scale" -t "$instance"
[ -n "$kernel_config" ] && set -- "$@" --kernel-config "$kernel_config"
echo "daxtorture-bundle: $*"
"$@" > "$share/runner.log" 2>&1
echo "daxtorture-bundle: the runner exited with status $?"
