// Which Debian packages, at which versions, the files of a guest image come
// from: recorded in run.json so that a result names the userspace it ran.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace dt {

// "package" -> "version" for the packages owning `files` (dpkg -S, then
// dpkg-query -W). Merged-/usr paths are also looked up without their /usr
// prefix, as dpkg records them. Files no package owns are left out. Empty
// when dpkg is not installed.
std::map<std::string, std::string> owning_packages(const std::vector<std::string>& files);

// Parses `dpkg -S` output ("pkg1, pkg2:amd64: /path" lines; "diversion by"
// lines skipped) into package names without the architecture.
std::vector<std::string> parse_dpkg_search(const std::string& output);

// "busybox-static=1:1.35.0-4+b3 kmod=30+20221128-1 ..." in name order.
std::string format_package_versions(const std::map<std::string, std::string>& versions);

}  // namespace dt
