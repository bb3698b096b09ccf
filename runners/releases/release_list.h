// The packaged kernels between two releases, as tools/fetch-kernel --list
// reports them: whole ones only (a split kernel whose parts the archive
// lacks cannot boot), one per upstream version, oldest first.
#pragma once

#include <string>
#include <vector>

namespace dt {

struct Release {
  std::string version;   // upstream, without Debian's revision: "7.3.4", "7.3~rc7"
  std::string package;   // linux-image-7.3.4+deb13-amd64
  std::string suite;     // trixie-backports
};

// "A..B" -> {A, B}; UsageError naming the form otherwise.
std::pair<std::string, std::string> parse_release_range(const std::string& range);

// -1, 0, 1 as dpkg orders upstream versions ('~' before anything, so
// 7.3~rc7 < 7.3 < 7.3.4).
int compare_versions(const std::string& a, const std::string& b);

// Parses fetch-kernel --list lines ("PACKAGE VERSION SUITE whole|partial ...")
// into whole releases between FIRST and LAST inclusive, oldest first; the
// highest Debian revision of an upstream version wins.
std::vector<Release> releases_between(const std::string& listing, const std::string& first,
                                      const std::string& last);

// Asks tools/fetch-kernel (SUITE "" = every suite) and returns
// releases_between(), or with RANGE "A,B,C" just those releases; UsageError when FIRST or LAST is not among them, or
// fewer than two releases lie between: the message names the fix.
std::vector<Release> packaged_releases(const std::string& range, const std::string& suite);

}  // namespace dt
