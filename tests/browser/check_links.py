#!/usr/bin/python3
"""Checks that every href and src in a DOM (as Chromium dumped it) resolves:
a relative path must name an existing file (relative to the page), a
fragment an element id in the target page. usage: check_links.py PAGE DOM"""
import html.parser
import os
import sys
import urllib.parse


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" and value:
                self.ids.add(value)
            if key in ("href", "src") and value is not None:
                self.links.append(value)


def parse(path):
    parser = Links()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    return parser


page, dom = sys.argv[1], sys.argv[2]
found = parse(dom)
base = os.path.dirname(os.path.abspath(page))
bad = []
for link in found.links:
    parts = urllib.parse.urlsplit(link)
    if parts.scheme not in ("", "file"):
        bad.append(link + " (leaves the page's files)")
        continue
    target = os.path.abspath(page) if not parts.path else os.path.join(base, urllib.parse.unquote(parts.path))
    if not os.path.isfile(target):
        bad.append(link + " (no such file)")
        continue
    if parts.fragment:
        ids = found.ids if target == os.path.abspath(page) else parse(target).ids
        if parts.fragment not in ids:
            bad.append(link + " (no element with that id)")
for link in bad[:20]:
    print("check_links: %s: broken link %s" % (page, link), file=sys.stderr)
print("check_links: %s: %d links, %d broken" % (page, len(found.links), len(bad)))
sys.exit(1 if bad else 0)
