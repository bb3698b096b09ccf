// What the host hands each guest of a parallel run: its command (the whole
// run's instances, the shared queue, its own folder, the power cut's
// instance first) and the limits its session watches.
#include "runners/vm/guest_pool.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace dt {
namespace {

GuestPoolSettings two_instances() {
  GuestPoolSettings settings;
  settings.run_dir = "/r/run";
  settings.run_id = "run";
  settings.instances = select_instances({"uring_fixed_buffers_fsdax/xfs/shared", "selftest_guest_panic/none/default"});
  settings.injections = {"plain_mapping"};
  settings.timeout_scale = 4;
  return settings;
}

TEST(GuestPool, ScriptTakesFromTheSharedQueueIntoItsOwnFolder) {
  QemuLaunch launch;
  launch.token = "abc";
  launch.accel = "tcg";
  std::string script = guest_run_script(launch, two_instances(), 1, "");
  EXPECT_NE(script.find("'--run-dir' '/run/daxtorture/results/.guest/g2'"), std::string::npos) << script;
  EXPECT_NE(script.find("'--queue' '/run/daxtorture/results/.guest/queue'"), std::string::npos);
  EXPECT_NE(script.find("'--vm-guest' 'abc'"), std::string::npos);
  EXPECT_NE(script.find("'-t' 'uring_fixed_buffers_fsdax/xfs/shared' '-t' 'selftest_guest_panic/none/default'"),
            std::string::npos);
  EXPECT_NE(script.find("'--inject' 'plain_mapping'"), std::string::npos);
  EXPECT_EQ(script.find("--after-power-cut"), std::string::npos);
  EXPECT_EQ(guest_folder("/r/run", 1), "/r/run/.guest/g2");
}

TEST(GuestPool, AfterAPowerCutTheCutInstanceIsSelectedFirst) {
  QemuLaunch launch;
  std::string script = guest_run_script(launch, two_instances(), 0, "selftest_guest_panic/none/default");
  EXPECT_NE(script.find("'--after-power-cut' 'selftest_guest_panic/none/default' '-t' "
                        "'selftest_guest_panic/none/default' '-t' 'uring_fixed_buffers_fsdax/xfs/shared'"),
            std::string::npos)
      << script;
  EXPECT_EQ(script.find("'-t' 'selftest_guest_panic/none/default'"),
            script.rfind("'-t' 'selftest_guest_panic/none/default'"))
      << "selected once";
}

TEST(GuestPool, EachInstanceHasItsScaledTimeoutPlusGrace) {
  GuestSessionLimits limits = session_limits(
      select_instances({"uring_fixed_buffers_fsdax/xfs/shared", "selftest_guest_panic/none/default"}), 4, 0);
  EXPECT_EQ(limits.instance_budget.at("uring_fixed_buffers_fsdax/xfs/shared").count(), 30 * 4 + 60);
  EXPECT_EQ(limits.instance_budget.at("selftest_guest_panic/none/default").count(), 60 * 4 + 60);
  EXPECT_EQ(limits.silence.count(), 60 * 4 + 180);
  EXPECT_EQ(limits.deadline.count(), (30 * 4 + 45) + (60 * 4 + 45) + 300);
  GuestSessionLimits overridden = session_limits(select_instances({"selftest_guest_panic/none/default"}), 4, 40);
  EXPECT_EQ(overridden.instance_budget.at("selftest_guest_panic/none/default").count(), 40);
  EXPECT_EQ(overridden.silence.count(), 40);
}

TEST(GuestPool, SeveralGuestsTakeTheLongestFirstOneKeepsTheRunOrder) {
  std::vector<Instance> run = select_instances(
      {"uring_fixed_buffers_fsdax/xfs/shared", "selftest_guest_panic/none/default",
       "uring_fixed_buffers_fsdax/ext4/shared"});
  ASSERT_EQ(run.size(), 3u);
  std::vector<std::string> in_run_order;
  for (const auto& instance : run) in_run_order.push_back(instance.name());
  EXPECT_EQ(queue_order(run, 1), in_run_order);
  std::vector<std::string> parallel = queue_order(run, 2);
  ASSERT_EQ(parallel.size(), 3u);
  EXPECT_EQ(parallel[0], "selftest_guest_panic/none/default") << "60 s before the 30 s ones";
  // Ties keep the run's order.
  std::vector<std::string> short_ones(in_run_order);
  short_ones.erase(std::find(short_ones.begin(), short_ones.end(), "selftest_guest_panic/none/default"));
  EXPECT_EQ(std::vector<std::string>(parallel.begin() + 1, parallel.end()), short_ones);
}

TEST(GuestPool, FirstInstanceIsTheEarliestOfAnyGuest) {
  std::vector<GuestRecord> guests(3);
  guests[0].first.first_instance_after_s = -1;  // guest 1 was stopped before it began one
  guests[1].first.first_instance_after_s = 12.5;
  guests[2].first.first_instance_after_s = 9.0;
  EXPECT_DOUBLE_EQ(first_instance_after_s(guests), 9.0);
  guests[1].first.first_instance_after_s = guests[2].first.first_instance_after_s = -1;
  EXPECT_DOUBLE_EQ(first_instance_after_s(guests), -1);
}

}  // namespace
}  // namespace dt
