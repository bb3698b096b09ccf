#include "runners/run/kernel_verdict.h"

#include <gtest/gtest.h>

namespace dt {
namespace {

InstanceResult with_findings(Status status, std::vector<KernelFinding> findings) {
  InstanceResult result;
  result.status = status;
  result.kernel_findings = std::move(findings);
  return result;
}

const KernelFinding kWarning{"WARNING", "WARNING: CPU: 1 PID: 90 at fs/dax.c:390 x"};
const KernelFinding kOops{"Oops", "Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI"};
const KernelFinding kSoftLockup{"soft lockup", "watchdog: BUG: soft lockup - CPU#0 stuck for 4s!"};
const KernelFinding kOom{"OOM kill", "Out of memory: Killed process 812 (daxtorture)"};

TEST(KernelVerdict, FindingKindsMapToTheKindOfFailure) {
  EXPECT_EQ(status_for_finding(kWarning), Status::fail);
  EXPECT_EQ(status_for_finding(kOops), Status::crash);
  EXPECT_EQ(status_for_finding(kOom), Status::crash);
  EXPECT_EQ(status_for_finding(kSoftLockup), Status::timeout);
  EXPECT_EQ(status_for_finding({"hung task", "INFO: task x:1 blocked for more than 4 seconds."}),
            Status::timeout);
  EXPECT_EQ(status_for_finding({"taint", "kernel taint newly set: [W]"}), Status::fail);
}

TEST(KernelVerdict, AWarningFailsAPassingInstance) {
  auto result = with_findings(Status::pass, {kWarning});
  apply_kernel_verdict(result, 0);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.reason, "kernel: " + kWarning.line);  // "WARNING: ..." once
}

TEST(KernelVerdict, TheWorstFindingDecidesAndTheEarlierVerdictIsKept) {
  auto result = with_findings(Status::broken, {kWarning, kOops, kSoftLockup});
  result.reason = "the workload process was killed by SIGSEGV without a verdict";
  apply_kernel_verdict(result, 0);
  EXPECT_EQ(result.status, Status::crash);
  EXPECT_EQ(result.reason, "kernel: " + kOops.line +
                               " (was BROKEN: the workload process was killed by SIGSEGV "
                               "without a verdict)");
}

TEST(KernelVerdict, AWorkloadFailureIsNotRenamedByAWarning) {
  auto result = with_findings(Status::fail, {kWarning});
  apply_kernel_verdict(result, 0);
  EXPECT_EQ(result.status, Status::fail);
  EXPECT_EQ(result.reason, "");
}

TEST(KernelVerdict, AHangOutranksAWorkloadFailure) {
  auto result = with_findings(Status::fail, {kSoftLockup});
  apply_kernel_verdict(result, 0);
  EXPECT_EQ(result.status, Status::timeout);
  EXPECT_EQ(result.reason, "kernel: soft lockup: " + kSoftLockup.line + " (was FAIL)");
}

TEST(KernelVerdict, NoFindingsLeaveTheVerdictAlone) {
  auto result = with_findings(Status::pass, {});
  apply_kernel_verdict(result, 0);
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_EQ(result.reason, "");
}

TEST(KernelVerdict, LostRecordsAreNamed) {
  auto result = with_findings(Status::pass, {});
  apply_kernel_verdict(result, 3);
  EXPECT_EQ(result.status, Status::pass);
  EXPECT_NE(result.reason.find("3 kernel log records were overwritten"), std::string::npos);
}

}  // namespace
}  // namespace dt
