// Expectations files: which kernels a file covers (regex, version range, the
// v6.15 fs/dax rework), known failures, and the errors bad lines get.
#include <gtest/gtest.h>

#include <string>

#include "core/errors.h"
#include "runners/results/expectations.h"

namespace dt {
namespace {

const char* kExpectations =
    "# known\n"
    "kernel: ^6\\.1\\.0-[0-9]+-amd64$\n"
    "truncate_vs_pinned_dio/*/4k  TIMEOUT  never woken (6.1.0-56)\n"
    "pmd_fault_xfs/xfs/read FAIL falls back\n";

InstanceResult result(const std::string& name, Status status) {
  InstanceResult r;
  r.name = name;
  r.status = status;
  return r;
}

// The message parse_expectations() throws for TEXT, or "no error".
std::string expectation_error(const std::string& text) {
  try {
    parse_expectations(text, "x.expect");
  } catch (const UsageError& error) {
    return std::string(error.what());
  }
  return std::string("no error");
}

TEST(Expectations, ParsesKernelsAndKnownFailures) {
  auto file = parse_expectations(kExpectations, "k.expect");
  EXPECT_TRUE(file.covers("6.1.0-56-amd64"));
  EXPECT_FALSE(file.covers("6.12.117+deb12-amd64"));
  ASSERT_EQ(file.known.size(), 2u);
  EXPECT_EQ(file.known[0].statuses, std::vector<Status>{Status::timeout});
  EXPECT_EQ(file.known[0].note, "never woken (6.1.0-56)");
  EXPECT_EQ(file.known[1].line, 4);
}

TEST(Expectations, ClassifiesNewKnownAndFixed) {
  auto file = parse_expectations(kExpectations, "k.expect");
  RunResult run;
  run.instances = {result("truncate_vs_pinned_dio/xfs/4k", Status::timeout),
                   result("truncate_vs_pinned_dio/ext4/4k", Status::fail),
                   result("pmd_fault_xfs/xfs/read", Status::pass),
                   result("uring_fixed_buffers_fsdax/xfs/shared", Status::fail),
                   result("pmd_fault_xfs/xfs/write", Status::pass)};
  apply_expectations({file}, run);
  EXPECT_EQ(run.instances[0].expectation, Expectation::known_failure);
  EXPECT_EQ(run.instances[1].expectation, Expectation::new_failure);  // fails differently
  EXPECT_EQ(run.instances[2].expectation, Expectation::fixed);
  EXPECT_EQ(run.instances[3].expectation, Expectation::new_failure);
  EXPECT_EQ(run.instances[4].expectation, Expectation::none);
  EXPECT_TRUE(has_new_failures(run));
  run.instances.erase(run.instances.begin() + 1);
  run.instances.erase(run.instances.begin() + 2);
  EXPECT_FALSE(has_new_failures(run));
}

// One bug that ends as an oops or as a task stuck behind it, by timing:
// either verdict is the known one, any other is new.
TEST(Expectations, AlternativeVerdictsAreEachKnown) {
  auto file = parse_expectations("version: 6.1\nteardown_unbind_fsdax/*/pinned CRASH|TIMEOUT late DMA\n", "a.expect");
  ASSERT_EQ(file.known.size(), 1u);
  EXPECT_EQ(file.known[0].statuses, (std::vector<Status>{Status::crash, Status::timeout}));
  RunResult run;
  run.instances = {result("teardown_unbind_fsdax/xfs/pinned", Status::crash),
                   result("teardown_unbind_fsdax/ext4/pinned", Status::timeout),
                   result("teardown_unbind_fsdax/ext4/pinned#2", Status::fail)};
  apply_expectations({file}, run);
  EXPECT_EQ(run.instances[0].expectation, Expectation::known_failure);
  EXPECT_EQ(run.instances[1].expectation, Expectation::known_failure);
  EXPECT_EQ(run.instances[2].expectation, Expectation::new_failure);
  EXPECT_EQ(expectation_error("version: 6.1\nfoo/xfs/4k CRASH|PASS note\n")
                .rfind("x.expect:2:12: 'PASS' is not a failing verdict", 0), 0u);
  EXPECT_EQ(expectation_error("version: 6.1\nfoo/xfs/4k CRASH| note\n")
                .rfind("x.expect:2:17: a '|' with no verdict after it", 0), 0u);
}

TEST(Expectations, MalformedLinesNameLineAndColumn) {
  EXPECT_EQ(expectation_error("kernel: ^6\nfoo/xfs/4k PASSED note\n").rfind("x.expect:2:12: 'PASSED' is not a failing verdict", 0), 0u);
  EXPECT_EQ(expectation_error("kernel: ^6\nfoo/xfs/4k PASS note\n").rfind("x.expect:2:12:", 0), 0u);
  EXPECT_EQ(expectation_error("kernel: ^6\nfoo/xfs/4k FAIL\n").rfind("x.expect:2:16: a known failure needs a note", 0), 0u);
  EXPECT_EQ(expectation_error("kernel: ([\n").rfind("x.expect:1:9: bad kernel regex", 0), 0u);
  EXPECT_NE(expectation_error("foo FAIL note\n").find("no 'kernel:' or 'version:' line"), std::string::npos);
}

TEST(Expectations, VersionLinesCoverSelfBuiltKernels) {
  auto file = parse_expectations(
      "kernel: ^6\\.12\\.[0-9]+\\+deb12-amd64$\nversion: 6.12\nfoo/xfs/4k FAIL note\n", "x.expect");
  EXPECT_TRUE(file.covers("6.12.117+deb12-amd64"));
  EXPECT_TRUE(file.covers("6.12.117"));
  EXPECT_TRUE(file.covers("6.12.117-g537f385a3cae"));
  EXPECT_FALSE(file.covers("6.1.0-57-amd64"));
  EXPECT_FALSE(file.covers("6.18.15+deb13-amd64"));
  auto before_rework = parse_expectations("version: >=6.1\ndax-rework: no\nfoo/xfs/4k FAIL note\n", "y.expect");
  EXPECT_TRUE(before_rework.covers("6.12.117"));
  EXPECT_FALSE(before_rework.covers("6.18.15+deb13-amd64"));
  auto only_version = parse_expectations("version: 6.18\nfoo/xfs/4k FAIL note\n", "z.expect");
  EXPECT_TRUE(only_version.covers("6.18.15+deb13-amd64"));
}

TEST(Expectations, BadVersionLinesNameTheFix) {
  EXPECT_EQ(expectation_error("version: six\n").rfind("x.expect:1:10: bad version range 'six'", 0), 0u);
  EXPECT_EQ(expectation_error("version:\n").rfind("x.expect:1:1: bad version range", 0), 0u);
  EXPECT_EQ(expectation_error("version: =>6.1\n").rfind("x.expect:1:10:", 0), 0u);
  EXPECT_EQ(expectation_error("version: 6.1\ndax-rework: maybe\n").rfind("x.expect:2:13: 'dax-rework:' takes yes or no", 0), 0u);
}

}  // namespace
}  // namespace dt

namespace dt {
namespace {

TEST(Expectations, RepetitionsShareTheirInstancesExpectation) {
  auto file = parse_expectations("kernel: ^6\\.1\nt/xfs/4k FAIL known\n", "k.expect");
  RunResult run;
  run.instances = {result("t/xfs/4k", Status::fail), result("t/xfs/4k#2", Status::fail)};
  apply_expectations({file}, run);
  EXPECT_EQ(run.instances[1].expectation, Expectation::known_failure);
}

}  // namespace
}  // namespace dt
