#!/bin/sh
# The guest side of a reproducer bundle in standalone mode: /init runs this
# (it is .guest/run.sh of the shared folder); it runs the finding's
# guest.sh (namespace set-up, the C reproducer) and nothing of daxtorture.
share=/run/daxtorture/results
. "$share/bundle/bundle.conf"
cd /
sh "$share/bundle/guest.sh" $guest_args 2>&1
