// The failure text every writer shares: the kind of a kernel finding is not
// repeated when its dmesg line already says it, hints only when the kernel
// is blamed, and the expectation's note travels with a known failure.
#include <gtest/gtest.h>

#include "reports/failure_text.h"

namespace dt::reports {
namespace {

TEST(FailureText, KernelKindIsNotRepeated) {
  EXPECT_EQ(kernel_line({"WARNING", "WARNING: CPU: 0 PID: 204 at fs/dax.c:398 x+0x87/0xb0"}),
            "kernel: WARNING: CPU: 0 PID: 204 at fs/dax.c:398 x+0x87/0xb0");
  EXPECT_EQ(kernel_line({"hung task", "INFO: task t:9 blocked for more than 5 seconds."}),
            "kernel: hung task: INFO: task t:9 blocked for more than 5 seconds.");
  EXPECT_EQ(kernel_line({"Oops", "Oops: 0000 [#1] PREEMPT SMP"}), "kernel: Oops: 0000 [#1] PREEMPT SMP");
}

TEST(FailureText, VerdictLinesInReadingOrder) {
  InstanceResult r;
  r.status = Status::timeout;
  r.reason = "killed after 30 s";
  r.failures.push_back({"w.cc", 3, "x", "y"});
  for (int i = 0; i < 3; ++i) r.kernel_findings.push_back({"BUG", "BUG: " + std::to_string(i)});
  r.fixes.push_back({"0123456789ab", "fix"});
  EXPECT_EQ(verdict_lines(r, {.max_kernel_lines = 2}),
            (std::vector<std::string>{"TIMEOUT: killed after 30 s", "w.cc:3: x: y", "kernel: BUG: 0",
                                      "kernel: BUG: 1",
                                      "kernel: 1 more findings in the instance's dmesg.txt",
                                      "HINT: you may be missing kernel fix 0123456789ab (\"fix\")"}));
  r.status = Status::broken;  // the set-up failed: no kernel fix to suggest
  EXPECT_EQ(verdict_lines(r).back(), "kernel: BUG: 2");
}

TEST(FailureText, ExpectationLineCarriesNoteAndSource) {
  InstanceResult r;
  EXPECT_EQ(expectation_line(r), "");
  r.expectation = Expectation::known_failure;
  r.expectation_note = "eviction frees pinned blocks";
  r.expectation_source = "x.expect:4";
  EXPECT_EQ(expectation_line(r), "known failure: eviction frees pinned blocks (x.expect:4)");
  r.expectation = Expectation::new_failure;
  EXPECT_EQ(expectation_line(r), "new failure");
}

}  // namespace
}  // namespace dt::reports
