// The guest -> host wire (runners/wire/): every line a writer makes is read
// back as what it says, and the lines that only look like it are not.
#include <gtest/gtest.h>

#include "core/context.h"
#include "runners/wire/guest_wire.h"
#include "runners/wire/lava_console.h"

namespace dt::wire {
namespace {

RunnerEvent read_line(reports::KtapReader& reader, const std::string& line) {
  return read_runner_event(reader.feed_line(line));
}

TEST(GuestWire, RunningLineReadsBackAsItsInstance) {
  reports::KtapReader reader;
  read_line(reader, "KTAP version 1");
  read_line(reader, "1..12");
  auto event = read_line(reader, "# " + running_line(2, 12, "pmd_fault/xfs/write"));
  EXPECT_EQ(event.kind, RunnerEvent::Kind::running);
  EXPECT_EQ(event.name, "pmd_fault/xfs/write");
  EXPECT_EQ(running_line(2, 12, "x"), "[3/12] running x");
}

TEST(GuestWire, ProgressTextForPeopleIsNotARunningLine) {
  reports::KtapReader reader;
  // A diagnostic that mentions running, a workload's own note, a nested line.
  for (const char* line : {"# daxtorture vm: 0:12 running pmd_fault/xfs/write",
                           "# [x/12] running pmd_fault/xfs/write", "# [3/] running a",
                           "# the guest is running [3/4] running late",
                           "    # [1/2] running nested/inside/subtest"}) {
    auto event = read_line(reader, line);
    EXPECT_EQ(event.kind, RunnerEvent::Kind::other) << line;
  }
}

TEST(GuestWire, StoppingLineCarriesItsReason) {
  reports::KtapReader reader;
  auto event = read_line(reader, "# " + stopping_line("kernel oops; 3 instance(s) left for a fresh boot"));
  EXPECT_EQ(event.kind, RunnerEvent::Kind::stopping_boot);
  EXPECT_EQ(event.reason, "kernel oops; 3 instance(s) left for a fresh boot");
}

TEST(GuestWire, ResultLineNamesItsInstance) {
  reports::KtapReader reader;
  auto event = read_line(reader, "not ok 4 pmd_fault/ext4/read # TIMEOUT no result in 30 s");
  EXPECT_EQ(event.kind, RunnerEvent::Kind::result);
  EXPECT_EQ(event.name, "pmd_fault/ext4/read");
  EXPECT_EQ(reports::ktap_status(event.result), Status::timeout);
  EXPECT_EQ(read_line(reader, "    ok 1 nested").kind, RunnerEvent::Kind::other);
}

TEST(GuestWire, ConsoleLines) {
  using Kind = ConsoleEvent::Kind;
  EXPECT_EQ(read_console_line("[   12.5] daxtorture: begin pmd_fault/xfs/write").kind, Kind::instance_begin);
  EXPECT_EQ(read_console_line("[   12.5] daxtorture: begin pmd_fault/xfs/write").name, "pmd_fault/xfs/write");
  auto cut = read_console_line(std::string("[ 3.0] ") + kPowerCutRequest + "map_sync_power_loss/xfs/a");
  EXPECT_EQ(cut.kind, Kind::power_cut);
  EXPECT_EQ(cut.name, "map_sync_power_loss/xfs/a");
  EXPECT_EQ(read_console_line("[ 9.1] Kernel panic - not syncing: Fatal exception").kind, Kind::kernel_panic);
  EXPECT_EQ(read_console_line("daxtorture-init: FATAL: no pmem").kind, Kind::init_fatal);
  EXPECT_EQ(read_console_line("daxtorture-init: probe ok").kind, Kind::init_probe_ok);
  EXPECT_EQ(read_console_line("daxtorture-init: userspace ready, kernel 6.12.1").kind, Kind::userspace_ready);
  auto exited = read_console_line("daxtorture-init: guest command exited with status 1");
  EXPECT_EQ(exited.kind, Kind::runner_exited);
  EXPECT_EQ(exited.exit_status, 1);
  EXPECT_EQ(read_console_line("[ 1.0] random: crng init done").kind, Kind::other);
}

TEST(GuestWire, UserspaceReadyCarriesTheRelease) {
  EXPECT_EQ(read_console_line("daxtorture-init: userspace ready, kernel 7.3.4+deb13-amd64\r").release,
            "7.3.4+deb13-amd64");
  // daxtorture.shell=1 says more after the release.
  EXPECT_EQ(read_console_line("daxtorture-init: userspace ready, kernel 6.12.1; shell on the console").release,
            "6.12.1");
  EXPECT_EQ(read_console_line("daxtorture-init: probe ok").release, "");
}

}  // namespace
}  // namespace dt::wire

namespace dt::lava {
namespace {

TEST(LavaWire, EveryWriterReadsBack) {
  auto plan = read_lava_line("[  5.1] " + plan_line("2/5", "7489ff9aa98963b8", "lava-6.12", "6.12.1-amd64") + "\r");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->kind, LavaLine::Kind::plan);
  EXPECT_EQ(plan->shard, "2/5");
  EXPECT_EQ(plan->selection, "7489ff9aa98963b8");
  EXPECT_EQ(plan->run_id, "lava-6.12");
  EXPECT_EQ(plan->release, "6.12.1-amd64");
  auto planned = read_lava_line(planned_line("a/xfs/b"));
  ASSERT_TRUE(planned);
  EXPECT_EQ(planned->kind, LavaLine::Kind::planned);
  EXPECT_EQ(planned->name, "a/xfs/b");
  auto hung = read_lava_line(hung_line("a/xfs/b", 180));
  ASSERT_TRUE(hung);
  EXPECT_EQ(hung->kind, LavaLine::Kind::hung);
  EXPECT_EQ(hung->budget_s, "180");
  auto finished = read_lava_line(finished_line(1));
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->exit_status, 1);
  auto lines = file_lines("run.json", "{}");
  ASSERT_EQ(lines.size(), 3u);
  auto file = read_lava_line(lines[0]);
  ASSERT_TRUE(file);
  EXPECT_EQ(file->kind, LavaLine::Kind::file);
  EXPECT_EQ(file->bytes, "2");
  EXPECT_EQ(file->path, "run.json");
  auto chunk = read_lava_line(lines[1]);
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->kind, LavaLine::Kind::chunk);
  EXPECT_EQ(base64_decode(chunk->chunk), "{}");
  auto end = read_lava_line(lines[2]);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->kind, LavaLine::Kind::end);
}

TEST(LavaWire, LinesForPeopleAndMalformedLinesAreNotRead) {
  EXPECT_FALSE(read_lava_line(note_line("plan 1/1 a b c")));
  EXPECT_FALSE(read_lava_line(missing_line("run.json")));
  EXPECT_FALSE(read_lava_line(std::string(kLinePrefix) + "plan 1/1"));
  EXPECT_FALSE(read_lava_line(std::string(kLinePrefix) + "finished"));
  EXPECT_FALSE(read_lava_line("plan 1/1 a b c"));
}

}  // namespace
}  // namespace dt::lava
