#!/usr/bin/env python3
"""Every relative link of the tree's Markdown files must resolve: the file
(or folder) it names exists, and a #fragment names a heading of the target
(GitHub's anchors). Links to other sites are not fetched.

usage: check_markdown_links.py SOURCE_TREE
Prints one line per broken link (file:line: link: why); exit 1 if any."""
import os
import re
import sys
from urllib.parse import unquote

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def markdown_files(top):
    for folder, subfolders, files in os.walk(top):
        # build folders (a CMakeCache.txt), results and git's own files
        subfolders[:] = [d for d in subfolders if d not in (".git", "results")
                         and not os.path.exists(os.path.join(folder, d, "CMakeCache.txt"))]
        for name in files:
            if name.endswith(".md"):
                yield os.path.join(folder, name)


def prose_lines(path):
    """(line number, text) outside fenced code blocks."""
    fenced = False
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                yield number, line


def anchor(heading):
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(path, cache={}):
    if path not in cache:
        seen = {}
        for _, line in prose_lines(path):
            match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match:
                base = anchor(match.group(1))
                count = seen.get(base, 0)
                seen[base] = count + 1
                seen.setdefault(base if count == 0 else f"{base}-{count}", 1)
        cache[path] = set(seen)
    return cache[path]


def broken_links(path):
    for number, line in prose_lines(path):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            file_part, _, fragment = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), unquote(file_part))) if file_part else path
            if not os.path.exists(resolved):
                yield number, target, "no such file " + os.path.relpath(resolved)
            elif fragment and resolved.endswith(".md") and fragment not in anchors_of(resolved):
                yield number, target, "no heading #" + fragment + " in " + os.path.relpath(resolved)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    top = os.path.abspath(sys.argv[1])
    os.chdir(top)
    files = sorted(os.path.relpath(p) for p in markdown_files(top))
    broken = 0
    links = 0
    for path in files:
        links += sum(len(LINK.findall(line)) for _, line in prose_lines(path))
        for number, target, why in broken_links(path):
            print(f"{path}:{number}: {target}: {why}")
            broken += 1
    print(f"{len(files)} Markdown files, {links} links, {broken} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
