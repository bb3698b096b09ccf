// A dead guest's fate as the verdict of the instance it ran, and the boot
// plan that follows: power cuts continue on the same NVDIMM, failures boot
// a fresh guest while its boots give verdicts (and at most
// kMaxFruitlessReboots in a row that give none), the host's own stops
// never do.
#include <gtest/gtest.h>

#include "core/registry.h"
#include "runners/vm/boot_plan.h"
#include "runners/vm/guest_fate.h"

namespace dt {
namespace {

GuestSessionOutcome runner_died(int status) {
  GuestSessionOutcome outcome;
  outcome.runner_exit_status = status;
  outcome.qemu_exit_status = 0;
  return outcome;
}

TEST(GuestFate, SaysWhatHappenedAndIsNeverEmpty) {
  GuestSessionOutcome panic;
  panic.panic_line = "Kernel panic - not syncing: sysrq triggered crash";
  EXPECT_EQ(guest_fate(panic), "guest kernel panic: Kernel panic - not syncing: sysrq triggered crash");
  EXPECT_EQ(fate_status(panic), Status::crash);

  EXPECT_EQ(guest_fate(runner_died(137)), "the guest runner died (exit status 137: killed by SIGKILL)");
  EXPECT_EQ(fate_status(runner_died(137)), Status::crash);

  GuestSessionOutcome hung;
  hung.instance_overdue = hung.silent_too_long = true;
  hung.overdue_budget_s = 300;
  hung.task_dump_requested = true;
  EXPECT_EQ(guest_fate(hung), "the guest was hung (no result 300 s after the instance started) and was killed "
                              "after a sysrq task dump (in console-tail.txt)");
  EXPECT_EQ(fate_status(hung), Status::timeout);

  GuestSessionOutcome killed;
  killed.qemu_killed_by = 9;
  EXPECT_EQ(guest_fate(killed), "QEMU was killed from outside (SIGKILL)");

  GuestSessionOutcome interrupted;
  interrupted.interrupted = true;
  EXPECT_EQ(fate_status(interrupted), Status::broken);

  GuestSessionOutcome cut;
  cut.power_cut_for = "map_sync_power_loss/xfs/4k";
  EXPECT_NE(guest_fate(cut).find("the power was cut for map_sync_power_loss/xfs/4k"), std::string::npos);

  GuestSessionOutcome stuck;
  stuck.runner_stuck = true;
  EXPECT_EQ(guest_fate(stuck), "the guest runner was stuck after its last result (no next instance, no exit) "
                               "and was killed");
  EXPECT_EQ(fate_status(stuck), Status::crash);
  // A stuck runner is a guest failure: the guest boots again for the queue.
  EXPECT_TRUE(plan_next_boot(stuck, true, false, {}, 5).again);

  EXPECT_FALSE(guest_fate(GuestSessionOutcome{}).empty());
}

TEST(GuestFate, RunningInstanceGetsTheFateAndTheRestAreNotRun) {
  std::vector<Instance> some = select_instances({"selftest_guest_panic"});
  ASSERT_FALSE(some.empty());
  GuestSessionOutcome panic;
  panic.panic_line = "Kernel panic - not syncing: boom";
  InstanceResult running = running_instance_result(some[0], panic, "console-g2.log");
  EXPECT_EQ(running.status, Status::crash);
  EXPECT_EQ(running.reason, "guest kernel panic: Kernel panic - not syncing: boom while this instance ran; "
                            "see console-g2.log");
  InstanceResult left = not_run_after(some[0], panic);
  EXPECT_EQ(left.status, Status::broken);
  EXPECT_EQ(left.reason.rfind("not run: guest kernel panic", 0), 0u);

  GuestSessionOutcome interrupted;
  interrupted.interrupted = true;
  InstanceResult stopped = running_instance_result(some[0], interrupted);
  EXPECT_EQ(stopped.status, Status::broken);
  EXPECT_EQ(stopped.reason.find("see console"), std::string::npos);
}

// The console tail of a guest that hung after an oops in its instance
// (98b1917cdef9 undone, 7.3.4 with MEMCG): the runner never reported, so
// the host names the oops, and says it could not place it.
const char* kHungAfterOops =
    "[   57.05] daxtorture: begin pmd_private_cow_race/ext4/default\n"
    "[   60.00] WARNING: CPU: 1 PID: 7 at fs/dax.c:452 dax_disassociate_entry+0x9c/0xc0\n"
    "[   71.78] daxtorture: end pmd_private_cow_race/ext4/default\n"
    "[   72.24] daxtorture: begin selftest_guest_panic/none/default\n"
    "daxtorture: [29/61 1:03] FAIL pmd_private_cow_race/ext4/default: kernel: WARNING: at fs/dax.c:452\n"
    "[   73.49] XFS (pmem0.1): Mounting V5 Filesystem\n"
    "[   74.72] BUG: kernel NULL pointer dereference, address: 0000000000000210\n"
    "[   74.73] Oops: Oops: 0000 [#1] SMP NOPTI\n"
    "[  123.83] INFO: task umount:313 blocked for more than 61 seconds.\n";

TEST(GuestFate, HungInstanceNamesTheKernelsFirstReportInItsSliceWithoutOwningIt) {
  EXPECT_EQ(first_kernel_report_after_begin(kHungAfterOops, "selftest_guest_panic/none/default"),
            "[   74.72] BUG: kernel NULL pointer dereference, address: 0000000000000210");
  // The earlier instance's WARNING is not in this slice; no marker, no slice.
  EXPECT_EQ(first_kernel_report_after_begin("[ 1.0] BUG: x\n", "selftest_guest_panic/none/default"), "");
  EXPECT_EQ(first_kernel_report_after_begin(kHungAfterOops, "pmd_fork/xfs/private"), "");

  std::vector<Instance> some = select_instances({"selftest_guest_panic"});
  ASSERT_FALSE(some.empty());
  GuestSessionOutcome hung;
  hung.instance_overdue = hung.silent_too_long = true;
  hung.overdue_budget_s = 300;
  hung.console_tail = kHungAfterOops;
  InstanceResult result = running_instance_result(some[0], hung, "console.log");
  EXPECT_EQ(result.status, Status::timeout);  // the guest's fate; the line is not placed
  EXPECT_NE(result.reason.find("while this instance ran; the kernel's first report after it began (not placed): "
                               "[   74.72] BUG: kernel NULL pointer dereference"),
            std::string::npos)
      << result.reason;
  EXPECT_NE(result.reason.find("; see console.log"), std::string::npos);
}

TEST(BootPlan, PowerCutContinuesTheCutInstanceFirst) {
  GuestSessionOutcome cut;
  cut.power_cut_for = "map_sync_power_loss/xfs/4k";
  NextBoot next = plan_next_boot(cut, false, true, {}, 3);
  EXPECT_TRUE(next.again);
  EXPECT_TRUE(next.after_power_cut);
  EXPECT_EQ(next.first, "map_sync_power_loss/xfs/4k");
  // One cut per planned instance at most.
  EXPECT_FALSE(plan_next_boot(cut, false, true, {.reboots = 0, .power_cuts = 3}, 3).again);
  // It already has a verdict: nothing to continue.
  EXPECT_FALSE(plan_next_boot(cut, false, false, {}, 3).again);
}

TEST(BootPlan, FailuresBootAgainWhileWorkIsLeftUpToTheLimit) {
  GuestSessionOutcome panic;
  panic.panic_line = "Kernel panic";
  EXPECT_TRUE(plan_next_boot(panic, true, false, {}, 5).again);
  EXPECT_FALSE(plan_next_boot(panic, true, false, {}, 5).after_power_cut);
  EXPECT_FALSE(plan_next_boot(panic, false, false, {}, 5).again) << "nothing left to run";
  // Reboots that give verdicts are not counted against the guest: a kernel
  // that oopses in every instance still gets every instance judged.
  EXPECT_TRUE(plan_next_boot(panic, true, false, {.reboots = 40, .fruitless = 0}, 50).again);
  // Boots that give none are, in a row.
  EXPECT_TRUE(plan_next_boot(panic, true, false, {.reboots = 3, .fruitless = kMaxFruitlessReboots}, 5).again);
  EXPECT_FALSE(plan_next_boot(panic, true, false, {.reboots = 3, .fruitless = kMaxFruitlessReboots + 1}, 5).again);

  GuestSessionOutcome fatal;
  fatal.init_fatal = "daxtorture-init: FATAL: cannot mount the results directory over 9p";
  EXPECT_FALSE(plan_next_boot(fatal, true, false, {}, 5).again);
  GuestSessionOutcome interrupted;
  interrupted.interrupted = true;
  EXPECT_FALSE(plan_next_boot(interrupted, true, false, {}, 5).again);
  GuestSessionOutcome deadline;
  deadline.deadline_hit = true;
  EXPECT_FALSE(plan_next_boot(deadline, true, false, {}, 5).again);
}

}  // namespace
}  // namespace dt
