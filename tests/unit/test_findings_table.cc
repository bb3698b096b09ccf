#include "reports/findings_table.h"

#include <gtest/gtest.h>

#include <sstream>

#include "runners/results/expectations.h"

namespace dt {
namespace {

RunResult sample_run() {
  RunResult run;
  run.info.kernel_release = "6.12.117+deb12-amd64";
  run.info.run_id = "m612";
  InstanceResult passed;
  passed.name = "pin_dio_read/xfs/truncate.mapped.4k";
  passed.status = Status::pass;
  passed.metrics = {{"change_wait", 2526.3, "ms"}, {"release_to_change_return", 22.2, "ms"}};
  InstanceResult failed;
  failed.name = "pin_dio_read/xfs/truncate.unmapped.4k";
  failed.status = Status::fail;
  failed.failures = {{"pin_matrix.cc", 646, "x", "returned 2655 ms early | before the pin dropped"},
                     {"pin_matrix.cc", 700, "y", "file fill-1 was overwritten"}};
  failed.kernel_findings = {{"WARNING", "WARNING: CPU: 0 PID: 201 at fs/dax.c:390"},
                            {"taint", "kernel taint newly set: [W]=WARN"}};
  InstanceResult crashed;
  crashed.name = "selftest_guest_oops/none/default";
  crashed.status = Status::crash;
  crashed.kernel_findings = {{"Oops", "Oops: invalid opcode: 0000 [#1]"}};
  run.instances = {passed, failed, crashed};
  return run;
}

TEST(FindingsTable, MarkdownRowsCarryVerdictWaitAndEvidence) {
  std::ostringstream out;
  reports::write_markdown_table(out, sample_run());
  EXPECT_EQ(out.str(),
            "| instance | verdict | wait ms | release→return ms | evidence |\n"
            "|---|---|---|---|---|\n"
            "| pin_dio_read/xfs/truncate.mapped.4k | PASS | 2526 | 22 |  |\n"
            "| pin_dio_read/xfs/truncate.unmapped.4k | FAIL |  |  | returned 2655 ms early \\| "
            "before the pin dropped<br>file fill-1 was overwritten<br>kernel: WARNING: CPU: 0 PID: "
            "201 at fs/dax.c:390 |\n"
            "| selftest_guest_oops/none/default | CRASH |  |  | kernel: Oops: invalid opcode: 0000 [#1] |\n");
}

TEST(FindingsTable, KnownFailuresFileParsesAndCoversTheRunsKernel) {
  std::ostringstream out;
  reports::write_known_failures(out, sample_run());
  ExpectationFile file = parse_expectations(out.str(), "generated.expect");
  EXPECT_TRUE(file.covers("6.12.117+deb12-amd64"));
  EXPECT_FALSE(file.covers("6.12.1170+deb12-amd64"));
  ASSERT_EQ(file.known.size(), 2u);
  EXPECT_EQ(file.known[0].instance, "pin_dio_read/xfs/truncate.unmapped.4k");
  EXPECT_EQ(file.known[0].statuses, std::vector<Status>{Status::fail});
  EXPECT_EQ(file.known[1].statuses, std::vector<Status>{Status::crash});
}

}  // namespace
}  // namespace dt
