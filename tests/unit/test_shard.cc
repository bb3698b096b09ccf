#include "runners/plan/budget.h"
#include "runners/plan/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/errors.h"

namespace dt {
namespace {

TEST(Shard, ParsesKOfN) {
  Shard shard = parse_shard("2/3");
  EXPECT_EQ(shard.index, 2);
  EXPECT_EQ(shard.count, 3);
  for (const char* bad : {"3/2", "x", "0/3", "1/0", "/3", "1/", "1/3/4", "-1/3", "1.5/3", ""})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
  try {
    parse_shard("3/2");
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(),
                 "--shard takes K/N, part K of N with 1 <= K <= N (e.g. --shard 2/3), not '3/2'");
  }
}

TEST(Shard, PartsCoverTheSelectionOnceAndBalance) {
  std::vector<Instance> all = select_instances({});
  ASSERT_GT(all.size(), 10u);
  for (int count : {1, 2, 3, 7}) {
    std::map<std::string, int> seen;
    double longest = 0, lightest = 1e18, heaviest = 0;
    for (const auto& instance : all) longest = std::max(longest, budget::expected_seconds(instance));
    for (int index = 1; index <= count; ++index) {
      auto part = shard_instances(all, {index, count});
      double load = 0;
      for (const auto& instance : part) {
        ++seen[instance.name()];
        load += budget::expected_seconds(instance);
      }
      lightest = std::min(lightest, load);
      heaviest = std::max(heaviest, load);
      // The same call gives the same part.
      auto again = shard_instances(all, {index, count});
      ASSERT_EQ(again.size(), part.size());
      for (size_t i = 0; i < part.size(); ++i) EXPECT_EQ(again[i].name(), part[i].name());
    }
    EXPECT_EQ(seen.size(), all.size()) << count << " parts";
    for (const auto& [name, times] : seen) EXPECT_EQ(times, 1) << name;
    // Greedy longest-first: parts differ by at most one instance's time.
    EXPECT_LE(heaviest - lightest, longest) << count << " parts";
  }
}

TEST(Shard, KeepsTheSelectionOrderWithinAPart) {
  std::vector<Instance> all = select_instances({});
  auto part = shard_instances(all, {1, 2});
  size_t at = 0;
  for (const auto& instance : all)
    if (at < part.size() && instance.name() == part[at].name()) ++at;
  EXPECT_EQ(at, part.size());
}

}  // namespace
}  // namespace dt
