// The runners' own logic: option and profile parsing, kernel facts, the
// QEMU command line, the reporter, expectations.
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.h"
#include "core/kernel_info.h"
#include "core/registry.h"
#include "core/reporter.h"
#include "runners/cli/args.h"
#include "runners/vm/kernel_locator.h"
#include "runners/vm/machine_profile.h"
#include "runners/vm/qemu_command.h"

namespace dt {
namespace {

TEST(Args, OptionsValuesAndErrors) {
  Args args({"--results=/tmp/x", "-t", "a", "--repeat", "zero"});
  EXPECT_EQ(*args.option(), "--results");
  EXPECT_EQ(args.value("--results"), "/tmp/x");
  EXPECT_EQ(*args.option(), "-t");
  EXPECT_EQ(args.value("-t"), "a");
  EXPECT_EQ(*args.option(), "--repeat");
  EXPECT_THROW(args.positive_number("--repeat"), UsageError);
  Args missing({"--results"});
  args = missing;
  args.option();
  EXPECT_THROW(args.value("--results"), UsageError);
}

TEST(MachineProfile, ParsesSizesAndDefaults) {
  auto profile = parse_machine_profile("# c\nmemory = 4G\nnvdimm_label_size=256K\ncpus = 1\n", "p");
  EXPECT_EQ(profile.memory, 4ull << 30);
  EXPECT_EQ(profile.nvdimm_label_size, 256ull << 10);
  EXPECT_EQ(profile.cpus, 1);
  EXPECT_EQ(profile.nvdimm_size, 6ull << 30);
}

TEST(MachineProfile, ErrorsNameLineAndColumn) {
  try {
    parse_machine_profile("memory = 2G\n  nvdimm_size = lots\n", "vm.profile");
    FAIL() << "no error";
  } catch (const UsageError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("vm.profile:2:17: bad value 'lots' for nvdimm_size", 0), 0u)
        << error.what();
  }
  try {
    parse_machine_profile("\nmemroy = 2G\n", "vm.profile");
    FAIL() << "no error";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("vm.profile:2:1: unknown key 'memroy'"), std::string::npos);
  }
  EXPECT_THROW(parse_machine_profile("just words\n", "p"), UsageError);
}

TEST(KernelInfo, VersionsCompare) {
  EXPECT_EQ(parse_kernel_version("6.12.117+deb12-amd64"), (std::vector<int>{6, 12, 117}));
  EXPECT_EQ(parse_kernel_version("6.1.0-56-amd64"), (std::vector<int>{6, 1, 0}));
  EXPECT_TRUE(kernel_at_least("6.12.117+deb12-amd64", "6.1"));
  EXPECT_FALSE(kernel_at_least("6.1.0-56-amd64", "6.12"));
  EXPECT_TRUE(kernel_at_least("6.1.0", ""));
}

TEST(KernelInfo, ConfigRequirements) {
  auto config = KernelConfig::parse("CONFIG_FS_DAX=y\nCONFIG_XFS_FS=m\n# CONFIG_FOO is not set\n");
  EXPECT_TRUE(config.satisfies("CONFIG_FS_DAX"));
  EXPECT_TRUE(config.satisfies("CONFIG_XFS_FS"));
  EXPECT_FALSE(config.satisfies("CONFIG_XFS_FS=y"));
  EXPECT_FALSE(config.satisfies("CONFIG_FOO"));
}

TEST(KernelLocator, RejectsFilesThatAreNotBzImages) {
  std::string path = testing::TempDir() + "/not-a-kernel";
  std::ofstream(path) << std::string(0x400, 'x');
  EXPECT_THROW(bzimage_release(path), UsageError);
  EXPECT_THROW(bzimage_release(path + ".missing"), UsageError);
}

TEST(KernelLocator, ReadsTheReleaseFromTheBootHeader) {
  std::string image(0x600, '\0');
  image.replace(0x202, 4, "HdrS");
  image[0x20e] = 0x00;  // version string at 0x200 + 0x300
  image[0x20f] = 0x03;
  image.replace(0x500, 30, "6.99.1-test (me@host) #1 SMP ");
  std::string path = testing::TempDir() + "/fake-bzImage";
  std::ofstream(path, std::ios::binary) << image;
  EXPECT_EQ(bzimage_release(path), "6.99.1-test");
}

TEST(QemuCommand, HasLabelledNvdimmAndOnlyTheResultsShare) {
  QemuLaunch launch;
  launch.kernel.image = "/k/bzImage";
  launch.kernel.module_root = "/k";
  launch.accel = "tcg";
  launch.nvdimm_file = "/r/nv.img";
  launch.run_dir = "/r";
  launch.ktap_file = "/r/ktap";
  launch.initramfs = "/r/initrd";
  launch.token = "abc";
  std::string line;
  for (const auto& word : qemu_argv(launch)) line += word + " ";
  EXPECT_NE(line.find("label-size=128K"), std::string::npos);
  EXPECT_NE(line.find("mem-path=/r/nv.img,size=6144M,align=1024M"), std::string::npos);
  // The guest runs from its image: nothing of the host's root is shared.
  EXPECT_EQ(line.find("mount_tag=host"), std::string::npos);
  EXPECT_EQ(line.find("path=/,"), std::string::npos);
  EXPECT_NE(line.find("-initrd /r/initrd"), std::string::npos);
  EXPECT_NE(line.find("path=/r,mount_tag=results"), std::string::npos);
  EXPECT_NE(line.find("daxtorture.vm=abc"), std::string::npos);
  EXPECT_NE(line.find("-cpu max"), std::string::npos);
  EXPECT_NE(line.find("tcg,thread=single"), std::string::npos);
}

TEST(Reporter, FoldsEventsAndKeepsMalformedLines) {
  ChildReport report;
  fold_report_line(R"({"event":"failure","file":"a.cc","line":3,"check":"x","message":"m"})", report);
  fold_report_line(R"({"event":"metric","name":"wait","value":1.5,"unit":"ms"})", report);
  fold_report_line(R"({"event":"broken","reason":"first"})", report);
  fold_report_line(R"({"event":"broken","reason":"second"})", report);
  fold_report_line("{not json", report);
  fold_report_line(R"({"event":"failure","file":"a.cc"})", report);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].line, 3);
  EXPECT_EQ(report.metrics[0].value, 1.5);
  EXPECT_EQ(report.broken_reason, "first");
  EXPECT_EQ(report.malformed.size(), 2u);
}

}  // namespace
}  // namespace dt

#include "runners/expectations.h"

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

TEST(Expectations, ParsesKernelsAndKnownFailures) {
  auto file = parse_expectations(kExpectations, "k.expect");
  EXPECT_TRUE(file.covers("6.1.0-56-amd64"));
  EXPECT_FALSE(file.covers("6.12.117+deb12-amd64"));
  ASSERT_EQ(file.known.size(), 2u);
  EXPECT_EQ(file.known[0].status, Status::timeout);
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

TEST(Expectations, MalformedLinesNameLineAndColumn) {
  auto message = [](const std::string& text) {
    try {
      parse_expectations(text, "x.expect");
    } catch (const UsageError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("kernel: ^6\nfoo/xfs/4k PASSED note\n").rfind("x.expect:2:12: 'PASSED' is not a failing verdict", 0), 0u);
  EXPECT_EQ(message("kernel: ^6\nfoo/xfs/4k PASS note\n").rfind("x.expect:2:12:", 0), 0u);
  EXPECT_EQ(message("kernel: ^6\nfoo/xfs/4k FAIL\n").rfind("x.expect:2:16: a known failure needs a note", 0), 0u);
  EXPECT_EQ(message("kernel: ([\n").rfind("x.expect:1:9: bad kernel regex", 0), 0u);
  EXPECT_NE(message("foo FAIL note\n").find("no 'kernel:' or 'version:' line"), std::string::npos);
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
