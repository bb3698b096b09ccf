// The host's reading of one boot (runners/vm/session_watch.h): console and
// KTAP lines in, the session's outcome and its hang rules out, at times the
// test chooses.
#include <gtest/gtest.h>

#include "core/context.h"
#include "runners/vm/session_watch.h"
#include "runners/wire/guest_wire.h"

namespace dt {
namespace {

using Clock = SessionWatch::Clock;
using std::chrono::seconds;

struct Watched {
  GuestSessionOutcome outcome;
  GuestSessionLimits limits;
  Clock::time_point t0 = Clock::now();
  int power_cuts = 0;
  std::vector<std::string> started, finished;
  SessionWatch watch{outcome, limits, t0, [this] { ++power_cuts; }};
  Watched() {
    limits.show_progress = false;
    limits.forward_ktap = false;
    limits.silence = seconds(900);
    limits.instance_budget["a/xfs/x"] = seconds(100);
    limits.on_started = [this](const std::string& name) { started.push_back(name); };
    limits.on_finished = [this](const std::string& name, Status) { finished.push_back(name); };
  }
  void ktap(const std::string& line, int at_s) { watch.ktap_line(line, t0 + seconds(at_s)); }
  void console(const std::string& line, int at_s) { watch.console_line(line, t0 + seconds(at_s)); }
};

TEST(SessionWatch, FollowsTheRunnerFromItsLines) {
  Watched w;
  w.console("daxtorture-init: userspace ready, kernel 6.12.1", 5);
  w.ktap("KTAP version 1", 6);
  w.ktap("1..2", 6);
  w.ktap("# " + wire::running_line(0, 2, "a/xfs/x"), 7);
  EXPECT_EQ(w.outcome.last_running, "a/xfs/x");
  EXPECT_DOUBLE_EQ(w.outcome.first_instance_after_s, 7);
  w.ktap("ok 1 a/xfs/x", 20);
  EXPECT_EQ(w.outcome.last_running, "");
  w.ktap("# " + wire::stopping_line("kernel oops; 1 instance(s) left for a fresh boot"), 21);
  w.console("daxtorture-init: guest command exited with status 1", 22);
  w.watch.finish(w.t0 + seconds(30));
  EXPECT_TRUE(w.outcome.reached_userspace);
  EXPECT_DOUBLE_EQ(w.outcome.userspace_after_s, 5);
  EXPECT_EQ(w.outcome.planned, 2u);
  EXPECT_EQ(w.outcome.boot_stopped, "kernel oops; 1 instance(s) left for a fresh boot");
  EXPECT_EQ(w.outcome.runner_exit_status, 1);
  EXPECT_EQ(w.started, std::vector<std::string>{"a/xfs/x"});
  EXPECT_EQ(w.finished, std::vector<std::string>{"a/xfs/x"});
  EXPECT_DOUBLE_EQ(w.outcome.seconds, 30);
}

TEST(SessionWatch, ARepetitionFinishesUnderItsOwnName) {
  // KTAP describes "NAME#2" as "NAME_2"; the host's records go by the name.
  Watched w;
  w.ktap("# " + wire::running_line(1, 2, "a/xfs/x#2"), 1);
  w.ktap("ok 2 a/xfs/x_2", 2);
  EXPECT_EQ(w.finished, std::vector<std::string>{"a/xfs/x#2"});
  // A result for another instance than the running one keeps its line's name.
  w.ktap("# " + wire::running_line(2, 3, "a/xfs/x#3"), 3);
  w.ktap("ok 3 b/ext4/y", 4);
  EXPECT_EQ(w.finished.back(), "b/ext4/y");
}

TEST(SessionWatch, AnInstanceOverItsBudgetIsOverdue) {
  Watched w;
  w.ktap("# " + wire::running_line(0, 2, "a/xfs/x"), 10);
  EXPECT_FALSE(w.watch.instance_overdue(w.t0 + seconds(110)));
  EXPECT_TRUE(w.watch.instance_overdue(w.t0 + seconds(111)));
  EXPECT_TRUE(w.outcome.instance_overdue);
  EXPECT_EQ(w.outcome.overdue_budget_s, 100);
  // An instance without its own budget gets the silence limit.
  Watched other;
  other.ktap("# " + wire::running_line(1, 2, "b/ext4/y"), 0);
  EXPECT_FALSE(other.watch.instance_overdue(other.t0 + seconds(900)));
  EXPECT_TRUE(other.watch.instance_overdue(other.t0 + seconds(901)));
}

TEST(SessionWatch, ARunnerIdleAfterItsLastResultIsStuck) {
  Watched w;
  w.ktap("# " + wire::running_line(0, 2, "a/xfs/x"), 0);
  w.ktap("ok 1 a/xfs/x", 10);
  EXPECT_FALSE(w.watch.runner_stuck(w.t0 + seconds(130)));
  EXPECT_TRUE(w.watch.runner_stuck(w.t0 + seconds(131)));
  // After 'stopping this boot' it has less time: it only has to exit.
  Watched stopping;
  stopping.ktap("ok 1 a/xfs/x", 10);
  stopping.ktap("# " + wire::stopping_line("oops"), 10);
  EXPECT_TRUE(stopping.watch.runner_stuck(stopping.t0 + seconds(71)));
  // Once the runner exited, only power-off can be stuck.
  Watched exited;
  exited.ktap("ok 1 a/xfs/x", 10);
  exited.console("daxtorture-init: guest command exited with status 0", 11);
  EXPECT_FALSE(exited.watch.runner_stuck(exited.t0 + seconds(500)));
  EXPECT_FALSE(exited.watch.poweroff_stuck(exited.t0 + seconds(71)));
  EXPECT_TRUE(exited.watch.poweroff_stuck(exited.t0 + seconds(72)));
}

TEST(SessionWatch, APowerCutRequestCutsOnceAndKeepsTheInstancesConsole) {
  Watched w;
  w.console("[ 1.0] daxtorture: begin p/xfs/cut", 1);
  w.console("[ 1.1] the workload writes", 1);
  w.console(std::string("[ 1.2] ") + kPowerCutRequest + "p/xfs/cut", 2);
  w.console(std::string("[ 1.3] ") + kPowerCutRequest + "p/xfs/cut", 2);
  EXPECT_EQ(w.power_cuts, 1);
  EXPECT_EQ(w.outcome.power_cut_for, "p/xfs/cut");
  EXPECT_DOUBLE_EQ(w.outcome.power_cut_after_s, 2);
  EXPECT_NE(w.outcome.power_cut_console.find("the workload writes"), std::string::npos);
}

TEST(SessionWatch, KeepsTheFirstPanicAndTheConsoleTail) {
  Watched w;
  w.console("[ 9.0] Kernel panic - not syncing: first", 9);
  w.console("[ 9.1] Kernel panic - not syncing: second", 9);
  for (int i = 0; i < 500; ++i) w.console("line " + std::to_string(i), 10);
  w.watch.finish(w.t0 + seconds(11));
  EXPECT_EQ(w.outcome.panic_line, "[ 9.0] Kernel panic - not syncing: first");
  EXPECT_EQ(w.outcome.console_tail.find("line 99\n"), std::string::npos);
  EXPECT_NE(w.outcome.console_tail.find("line 100\n"), std::string::npos);
}

}  // namespace
}  // namespace dt
