#!/bin/sh
# Run inside the guest: makes the namespace and xfs with reflink, then the
# reproducer: a file cloned, the clone mapped and read, 100 bytes written
# into a shared block. A kernel that has the bug warns; one that has not
# prints the last line "kernel: no warning".
here=$(dirname "$0")
sh "$here/setup.sh" >/dev/null || exit 1
"$here/repro" /mnt/dax
umount /mnt/dax
if dmesg | grep -qE 'WARNING:|BUG:|Oops'; then
  dmesg | grep -E 'WARNING:|BUG:|Oops'
  echo "kernel: warning"
else
  echo "kernel: no warning"
fi
