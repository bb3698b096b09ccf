#!/usr/bin/env python3
"""Cell-by-cell verdict comparison of two sets of daxtorture run folders.

usage: compare.py BEFORE_DIR[,BEFORE_DIR...] AFTER_DIR[,AFTER_DIR...] [--only PREFIX...]
Each side is the union of its run folders' instances (a later folder's verdict
for the same name wins, so a re-run of a flaky cell can be added at the end).
Compared per instance: status, and the checks that failed (their names).
Names renamed by the layout change are mapped first (truncate_vs_pinned_dio).
"""
import json, re, sys, collections

RENAMES = {
    # issue 13 folded truncate_vs_pinned_dio into the sample cell
    "truncate_vs_pinned_dio/xfs/4k": "pin_matrix_sample/xfs/dio_read.truncate.mapped.4k",
    "truncate_vs_pinned_dio/ext4/4k": "pin_matrix_sample/ext4/dio_read.truncate.mapped.4k",
}

tainting = {}

def load(dirs):
    cells = {}
    for d in dirs.split(","):
        run = json.load(open(d + "/run.json"))
        for i in run["instances"]:
            name = RENAMES.get(i["name"], i["name"])
            # The check's code text moved with the refactor; its message is what a reader sees.
            checks = sorted({re.sub(r"[0-9.]+", "N", f.get("message", ""))[:90] for f in i.get("failures", [])})
            # "kernel taint newly set" marks the first WARNING of each boot: which
            # instance that is depends on how instances were spread over boots
            # and guests, not on the instance. Counted, not compared.
            findings = sorted({k["kind"] for k in i.get("kernel_findings", []) if k["kind"] != "taint"})
            if any(k["kind"] == "taint" for k in i.get("kernel_findings", [])):
                tainting[d] = tainting.get(d, 0) + 1
            cells[name] = (i["status"], tuple(checks), tuple(findings), i.get("reason", ""))
    return cells

before, after = load(sys.argv[1]), load(sys.argv[2])
only = sys.argv[4:] if len(sys.argv) > 3 and sys.argv[3] == "--only" else None
names = sorted(set(before) | set(after))
if only:
    names = [n for n in names if any(n.startswith(p) for p in only)]
same = 0
counts = collections.Counter()
diff = []
worded = {}
for n in names:
    b, a = before.get(n), after.get(n)
    if b and a and b[0] == a[0] and b[2] == a[2] and len(b[1]) == len(a[1]):
        if b[1] != a[1]:
            worded[n] = (b[1], a[1])
        same += 1
        counts[a[0]] += 1
    else:
        diff.append((n, b, a))
print(f"compared {len(names)} instances: {same} identical ({dict(counts)}), {len(diff)} differ")
print(f"  first WARNING of a boot (taint newly set), per run folder: {tainting}")
print(f"  of the identical ones, {len(worded)} word a failed check differently (same count, same status and kernel findings)")
for n, (b, a) in list(worded.items())[:5]:
    print(f"    e.g. {n}: {b} -> {a}")
for n, b, a in diff:
    print(f"  {n}\n    before: {b and b[0]} {b and b[1]} {b and b[2]} {b and b[3][:160]}\n    after:  {a and a[0]} {a and a[1]} {a and a[2]} {a and a[3][:160]}")
sys.exit(1 if diff else 0)
