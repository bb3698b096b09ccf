#include "runners/releases/release_list.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "core/command.h"
#include "core/data_path.h"
#include "core/errors.h"

namespace dt {

std::pair<std::string, std::string> parse_release_range(const std::string& range) {
  size_t dots = range.find("..");
  if (dots == std::string::npos || dots == 0 || dots + 2 >= range.size())
    throw UsageError("--releases wants FIRST..LAST (e.g. 6.16.3..7.3.4), got '" + range + "'");
  return {range.substr(0, dots), range.substr(dots + 2)};
}

int compare_versions(const std::string& a, const std::string& b) {
  // dpkg's order, upstream part only: runs of digits by value, other
  // characters by code, and '~' before everything, even the end.
  size_t i = 0, j = 0;
  auto order = [](int c) { return c == '~' ? -1 : c == 0 ? 0 : std::isalpha(c) ? c : c + 256; };
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i]))) ||
           (j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])))) {
      int ca = i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i])) ? a[i] : 0;
      int cb = j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])) ? b[j] : 0;
      if (order(ca) != order(cb)) return order(ca) < order(cb) ? -1 : 1;
      if (ca) ++i;
      if (cb) ++j;
      if (!ca && !cb) break;
    }
    long na = 0, nb = 0;
    while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) na = na * 10 + (a[i++] - '0');
    while (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j]))) nb = nb * 10 + (b[j++] - '0');
    if (na != nb) return na < nb ? -1 : 1;
  }
  return 0;
}

std::vector<Release> releases_between(const std::string& listing, const std::string& first,
                                      const std::string& last) {
  std::map<std::string, Release> newest_revision;   // upstream version -> release
  std::map<std::string, std::string> revision_of;
  std::istringstream lines(listing);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string package, debian_version, suite, state;
    if (!(words >> package >> debian_version >> suite >> state) || state != "whole") continue;
    const size_t dash = debian_version.rfind('-');
    const std::string upstream = debian_version.substr(0, dash);
    if (compare_versions(upstream, first) < 0 || compare_versions(upstream, last) > 0) continue;
    auto seen = revision_of.find(upstream);
    if (seen != revision_of.end() && compare_versions(seen->second, debian_version) >= 0) continue;
    revision_of[upstream] = debian_version;
    newest_revision[upstream] = {upstream, package, suite};
  }
  std::vector<Release> releases;
  for (auto& [version, release] : newest_revision) releases.push_back(release);
  std::sort(releases.begin(), releases.end(),
            [](const Release& a, const Release& b) { return compare_versions(a.version, b.version) < 0; });
  return releases;
}

std::vector<Release> packaged_releases(const std::string& range, const std::string& suite) {
  // "A,B,C": just those releases (a sweep over a few of a long range).
  std::vector<std::string> chosen;
  if (range.find(',') != std::string::npos) {
    std::istringstream words(range);
    for (std::string word; std::getline(words, word, ',');)
      if (!word.empty()) chosen.push_back(word);
    std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return compare_versions(a, b) < 0; });
  }
  auto [first, last] = chosen.empty() ? parse_release_range(range) : std::make_pair(chosen.front(), chosen.back());
  if (compare_versions(first, last) >= 0)
    throw UsageError("--releases " + range + ": " + first + " is not older than " + last +
                     "; fix: name the older release first");
  std::vector<std::string> argv = {data_path("tools/fetch-kernel"), "--list"};
  if (!suite.empty()) argv.insert(argv.end(), {"--suite", suite});
  CommandResult listed = run_command(argv, std::chrono::seconds(300));
  if (listed.exit_status != 0)
    throw UsageError("cannot list Debian's kernels: " + describe_failure(listed));
  std::vector<Release> releases = releases_between(listed.output, first, last);
  if (!chosen.empty()) {
    std::vector<Release> picked;
    for (const auto& version : chosen) {
      auto it = std::find_if(releases.begin(), releases.end(), [&](const Release& r) { return r.version == version; });
      if (it == releases.end())
        throw UsageError("no whole kernel " + version + (suite.empty() ? " in Debian's archive" : " in suite " + suite) +
                         "; fix: pick releases from 'tools/fetch-kernel --list' (whole ones)");
      picked.push_back(*it);
    }
    releases = picked;
  }
  const std::string where = suite.empty() ? "Debian's archive" : "suite " + suite;
  for (const std::string& end : {first, last})
    if (std::none_of(releases.begin(), releases.end(), [&](const Release& r) { return r.version == end; }))
      throw UsageError("no whole kernel " + end + " in " + where + "; fix: pick the ends from "
                       "'tools/fetch-kernel --list" + (suite.empty() ? "" : " --suite " + suite) + "' (whole ones)");
  if (releases.size() < 2)
    throw UsageError("--releases " + range + " holds fewer than two whole kernels in " + where);
  return releases;
}

}  // namespace dt
