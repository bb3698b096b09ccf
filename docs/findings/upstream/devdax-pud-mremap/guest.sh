#!/bin/sh
# Run inside the guest: makes the namespace, runs the reproducer, waits for
# the mm of the exited process to be freed, and says whether the kernel
# printed the lines of this bug. Last line: "kernel: bad pud=Y/N
# rss-counter=Y/N".
here=$(dirname "$0")
dev=$(sh "$here/setup.sh") || exit 1
"$here/repro" "$dev"
# The rss-counter check runs when the mm is freed, which may come after the
# exit (a lazy-TLB reference on another CPU): wait for it, 10 s at most.
for i in 1 2 3 4 5 6 7 8 9 10; do
  dmesg | grep -q 'Bad rss-counter' && break
  sleep 1
done
dmesg | grep -E 'bad pud|Bad rss-counter|BUG|WARNING|Oops' || true
bad_pud=N rss=N
dmesg | grep -q 'bad pud' && bad_pud=Y
dmesg | grep -q 'Bad rss-counter' && rss=Y
echo "kernel: bad pud=$bad_pud rss-counter=$rss"
