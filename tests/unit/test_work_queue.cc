// The shared queue parallel guests take instances from: order, one taker per
// entry under a race, entries put back.
#include "runners/plan/work_queue.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

namespace dt {
namespace {

std::string scratch(const std::string& name) {
  std::string dir = testing::TempDir() + "/work_queue_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(WorkQueue, TakesInOrderAndPutsBack) {
  std::string root = scratch("order");
  fill_work_queue(root + "/queue", {"b/xfs/4k", "a/ext4/2m#2", "c/none/default"});
  auto first = take_next(root + "/queue", root + "/g1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->file, "00001");
  EXPECT_EQ(first->name, "b/xfs/4k");
  auto second = take_next(root + "/queue", root + "/g2");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->name, "a/ext4/2m#2");
  ASSERT_EQ(queue_entries(root + "/queue").size(), 1u);
  put_back(root + "/g2", root + "/queue", *second);
  auto left = queue_entries(root + "/queue");
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].name, "a/ext4/2m#2") << "put back in its old place";
  EXPECT_TRUE(queue_entries(root + "/g2").empty());
  EXPECT_EQ(queue_entries(root + "/g1").size(), 1u);
  // A fresh fill empties what was there.
  fill_work_queue(root + "/queue", {"x"});
  EXPECT_EQ(queue_entries(root + "/queue").size(), 1u);
}

TEST(WorkQueue, RacingTakersNeverShareAnEntry) {
  std::string root = scratch("race");
  std::vector<std::string> names;
  for (int i = 0; i < 400; ++i) names.push_back("w/xfs/" + std::to_string(i));
  fill_work_queue(root + "/queue", names);
  std::vector<std::vector<std::string>> taken(4);
  std::vector<std::thread> takers;
  for (size_t t = 0; t < taken.size(); ++t)
    takers.emplace_back([&, t] {
      while (auto entry = take_next(root + "/queue", root + "/g" + std::to_string(t))) taken[t].push_back(entry->name);
    });
  for (auto& taker : takers) taker.join();
  std::set<std::string> seen;
  size_t total = 0;
  for (const auto& part : taken) {
    total += part.size();
    seen.insert(part.begin(), part.end());
  }
  EXPECT_EQ(total, names.size());
  EXPECT_EQ(seen.size(), names.size());
  EXPECT_TRUE(take_next(root + "/queue", root + "/g0") == std::nullopt);
}

}  // namespace
}  // namespace dt
