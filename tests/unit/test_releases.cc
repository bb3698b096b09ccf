// Packaged releases: dpkg's version order, the whole kernels of a range out
// of fetch-kernel's listing, the release bisect's search and boot count, and
// where an instance's verdict changed in a sweep.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/errors.h"
#include "runners/releases/release_bisect.h"
#include "runners/releases/release_list.h"
#include "runners/releases/release_table.h"

namespace dt {
namespace {

TEST(Releases, VersionsCompareAsDpkgDoes) {
  EXPECT_LT(compare_versions("6.16.3", "6.16.12"), 0);
  EXPECT_LT(compare_versions("6.18.15", "7.2.6"), 0);
  EXPECT_LT(compare_versions("7.3~rc7", "7.3"), 0);
  EXPECT_LT(compare_versions("7.3", "7.3.4"), 0);
  EXPECT_EQ(compare_versions("7.3.4", "7.3.4"), 0);
  EXPECT_GT(compare_versions("7.3.40", "7.3.4"), 0);
  EXPECT_LT(compare_versions("7.3.4-1~bpo13+1", "7.3.4-1"), 0);
}

const char* const kListing =
    "linux-image-7.3.4+deb13-amd64                7.3.4-1~bpo13+1        trixie-backports  whole +dbg\n"
    "linux-image-7.3-amd64                        7.3~rc7-1~exp1         experimental      whole +dbg\n"
    "linux-image-7.2.13+deb14-amd64               7.2.13-1               sid               whole +dbg\n"
    "linux-image-7.2.12+deb13-amd64               7.2.12-1~bpo13+1       trixie-backports  whole +dbg\n"
    "linux-image-7.1.13+deb13-amd64               7.1.13-1~bpo13+1       trixie-backports  partial (missing linux-base-7.1.13+deb13-amd64)\n"
    "linux-image-6.18.15+deb13-amd64              6.18.15-1~bpo13+1      trixie-backports  whole\n"
    "linux-image-6.16.3+deb13-amd64               6.16.3-1~bpo13+1       trixie-backports  whole\n"
    "linux-image-6.12.117+deb13-amd64             6.12.117-1             trixie            whole +dbg\n"
    "linux-image-6.12.117+deb12-amd64-unsigned    6.12.117-1~deb12u1     bookworm          whole +dbg\n";

TEST(Releases, TheWholeKernelsOfARangeOldestFirst) {
  auto releases = releases_between(kListing, "6.16.3", "7.3.4");
  std::vector<std::string> versions;
  for (const auto& r : releases) versions.push_back(r.version);
  // 7.1.13 is only partly in the archive; 6.12 lies before the range.
  EXPECT_EQ(versions, (std::vector<std::string>{"6.16.3", "6.18.15", "7.2.12", "7.2.13", "7.3~rc7", "7.3.4"}));
  EXPECT_EQ(releases.back().package, "linux-image-7.3.4+deb13-amd64");
  EXPECT_EQ(releases[3].suite, "sid");
}

TEST(Releases, OneUpstreamVersionIsOneReleaseTheNewestRevisionWins) {
  auto releases = releases_between(kListing, "6.12.117", "6.12.117");
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0].package, "linux-image-6.12.117+deb13-amd64");   // 6.12.117-1 > 6.12.117-1~deb12u1
}

TEST(Releases, ARangeMustBeFirstDotDotLast) {
  EXPECT_THROW(parse_release_range("6.16.3"), UsageError);
  EXPECT_THROW(parse_release_range("..7.3.4"), UsageError);
  EXPECT_EQ(parse_release_range("6.16.3..7.3.4"), std::make_pair(std::string("6.16.3"), std::string("7.3.4")));
}

// A bisect over N releases whose first bad one is FIRST_BAD: the answer, and
// how many boots it took.
std::pair<int, int> bisect(size_t n, size_t first_bad, std::set<size_t> unjudgeable = {}) {
  int boots = 0;
  std::string why;
  int answer = bisect_releases(n, [&](size_t i) {
    ++boots;
    if (unjudgeable.count(i)) return Outcome::skip;
    return i >= first_bad ? Outcome::fails : Outcome::passes;
  }, &why);
  return {answer, boots};
}

TEST(Releases, BisectFindsTheFirstBadReleaseInAtMostLog2PlusOneBoots) {
  for (size_t n : {2u, 3u, 5u, 9u, 17u})
    for (size_t first_bad = 1; first_bad < n; ++first_bad) {
      auto [answer, boots] = bisect(n, first_bad);
      EXPECT_EQ(answer, static_cast<int>(first_bad)) << "n=" << n;
      EXPECT_LE(boots, static_cast<int>(std::ceil(std::log2(n))) + 1) << "n=" << n << " first_bad=" << first_bad;
    }
}

TEST(Releases, BisectSaysSoWhenTheEndsDoNotDiffer) {
  EXPECT_EQ(bisect(5, 0).first, -1);    // even the first fails
  EXPECT_EQ(bisect(5, 5).first, -1);    // even the last passes
}

TEST(Releases, BisectStepsAroundAReleaseItCannotJudge) {
  auto [answer, boots] = bisect(9, 3, {4});
  EXPECT_EQ(answer, 3);
  EXPECT_LE(boots, 6);
}

TEST(Releases, TheTableSaysWhereAVerdictChanged) {
  std::vector<ReleaseColumn> columns = {
      {"6.16.3", {{"a", Status::pass}, {"b", Status::fail}}},
      {"6.18.15", {{"a", Status::pass}, {"b", Status::fail}}},
      {"7.2.12", {{"a", Status::fail}, {"b", Status::pass}}},
      {"7.3.4", {{"a", Status::crash}, {"b", Status::pass}}},
  };
  EXPECT_EQ(verdict_change(columns, "a"), "first failing 7.2.12 (last passing 6.18.15)");
  EXPECT_EQ(verdict_change(columns, "b"), "fails from the oldest, 6.16.3; first passing again 7.2.12 (last failing 6.18.15)");
  std::string table = release_table_markdown(columns);
  EXPECT_NE(table.find("| a | PASS | PASS | FAIL | CRASH | first failing 7.2.12"), std::string::npos) << table;
}

}  // namespace
}  // namespace dt
