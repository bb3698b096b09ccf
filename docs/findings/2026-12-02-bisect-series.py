#!/usr/bin/env python3
"""Builds the bisect proof's commit series in a kernel git tree without
touching its working tree (a build may be running in it): git plumbing with
a private index. Usage: make_series.py TREE BASE_REV

Branch "series" = BASE + 37 commits:
  1        .gitignore: drop Debian's packaging rules (real, needed)
  2..13    filler: one compiled, behaviour-free change per built .c file
  14       the planted regression: dax_layout_busy_page_range() ignores
           dax_busy_page()'s answer (undoes the wait of 5fac7408d828)
  15..35   filler
  36       the fix: honour dax_busy_page() again
  37..38   filler
Branch "reverts" = BASE + 2 commits: the effect of cd656375f946 reverted
(write(2) into a hole no longer invalidates the mapping), then that of
9702cffdbf21 (device-dax no longer refuses a split inside a huge page)."""
import os, subprocess, sys

tree, base = sys.argv[1], sys.argv[2]
env = dict(os.environ, GIT_INDEX_FILE=os.path.join(tree, ".git", "series-index"),
           GIT_AUTHOR_NAME="daxtorture proof", GIT_AUTHOR_EMAIL="proof@daxtorture.invalid",
           GIT_COMMITTER_NAME="daxtorture proof", GIT_COMMITTER_EMAIL="proof@daxtorture.invalid")

def git(*args, data=None):
    return subprocess.run(["git", "-C", tree, *args], input=data, env=env, check=True,
                          capture_output=True).stdout

def blob(rev, path):
    return git("show", f"{rev}:{path}")

def commit(parent, changes, message, stamp):
    git("read-tree", parent)
    for path, content in changes.items():
        sha = git("hash-object", "-w", "--stdin", data=content).decode().strip()
        mode = "100644"
        git("update-index", "--cacheinfo", f"{mode},{sha},{path}")
    tree_sha = git("write-tree").decode().strip()
    e = dict(env, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    out = subprocess.run(["git", "-C", tree, "commit-tree", tree_sha, "-p", parent, "-m", message],
                         env=e, check=True, capture_output=True).stdout
    return out.decode().strip()

def replace_once(text, old, new, path):
    if text.count(old) != 1:
        sys.exit(f"{path}: expected exactly one '{old[:60]}'")
    return text.replace(old, new)

fillers = [
    "fs/iomap/buffered-io.c", "fs/iomap/direct-io.c", "fs/namei.c", "fs/read_write.c",
    "fs/open.c", "fs/stat.c", "fs/pipe.c", "fs/splice.c", "fs/fcntl.c", "fs/ioctl.c",
    "fs/readdir.c", "fs/select.c",            # 2..13
    "fs/inode.c", "fs/file_table.c", "fs/super.c", "fs/namespace.c", "fs/seq_file.c",
    "fs/xattr.c", "fs/libfs.c", "fs/fs-writeback.c", "fs/sync.c", "fs/utimes.c",
    "fs/d_path.c", "fs/statfs.c", "mm/truncate.c", "mm/madvise.c", "mm/mremap.c",
    "mm/mprotect.c", "drivers/nvdimm/bus.c", "drivers/nvdimm/pmem.c", "drivers/dax/bus.c",
    "fs/xfs/xfs_iops.c", "fs/ext4/file.c",    # 15..35
    "fs/xfs/xfs_file.c", "fs/ext4/inode.c",   # 37..38
]
busy_old = "\t\tif (entry)\n\t\t\tpage = dax_busy_page(entry);\n"
busy_bug = "\t\tif (entry)\n\t\t\tdax_busy_page(entry);\n"

def filler(parent, number, path, stamp):
    text = blob(parent, path)
    text += (f"\n/* daxtorture bisect proof, series commit {number}: compiled, changes nothing */\n"
             f"static const char daxtorture_series_{number}[] __maybe_unused = "
             f"\"daxtorture series commit {number}\";\n").encode()
    return commit(parent, {path: text}, f"{path}: series commit {number} (a compiled change that does nothing)", stamp)

head = git("rev-parse", base).decode().strip()
stamp_base = 1764633600  # 2025-12-02, one minute per commit
number = 0
def stamp():
    return f"{stamp_base + 60 * number} +0000"

number = 1
gi = blob(head, ".gitignore").decode()
gi = gi.split("# Debian packaging")[0].rstrip("\n") + "\n"
head = commit(head, {".gitignore": gi.encode()}, ".gitignore: drop Debian's packaging rules (they hide every file of the tree from git)", stamp())
queue = list(fillers)
while number < 38:
    number += 1
    if number == 14:
        text = replace_once(blob(head, "fs/dax.c").decode(), busy_old, busy_bug, "fs/dax.c")
        head = commit(head, {"fs/dax.c": text.encode()},
                      "fs/dax: dax_layout_busy_page_range() ignores dax_busy_page() (planted regression: "
                      "layout changes stop waiting for pinned DAX pages, undoing 5fac7408d828)", stamp())
    elif number == 36:
        text = replace_once(blob(head, "fs/dax.c").decode(), busy_bug, busy_old, "fs/dax.c")
        head = commit(head, {"fs/dax.c": text.encode()},
                      "fs/dax: honour dax_busy_page() in dax_layout_busy_page_range() again (fixes the "
                      "planted regression)", stamp())
    else:
        head = filler(head, number, queue.pop(0), stamp())
git("update-ref", "refs/heads/series", head)
print("series", head)

base_sha = git("rev-parse", base).decode().strip()
number = 100
dax = replace_once(blob(base_sha, "fs/dax.c").decode(), "\tif (iomap->flags & IOMAP_F_NEW || cow) {\n",
                   "\tif (cow) {\n", "fs/dax.c")
r2 = commit(base_sha, {"fs/dax.c": dax.encode()},
            "fs/dax: write(2) into a hole no longer invalidates its mapping (reverts the effect of "
            "cd656375f946 \"mm: fix data corruption due to stale mmap reads\")", stamp())
number = 101
dev = replace_once(blob(r2, "drivers/dax/device.c").decode(),
                   "\tif (!IS_ALIGNED(addr, dev_dax->align))\n\t\treturn -EINVAL;\n\treturn 0;\n",
                   "\treturn 0;\n", "drivers/dax/device.c")
r3 = commit(r2, {"drivers/dax/device.c": dev.encode()},
            "device-dax: allow splits inside a huge page (reverts the effect of 9702cffdbf21 "
            "\"device-dax: implement ->split() to catch invalid munmap attempts\")", stamp())
git("update-ref", "refs/heads/reverts", r3)
print("reverts", r2, r3)
os.remove(env["GIT_INDEX_FILE"])
