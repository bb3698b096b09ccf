// The runners' own logic: option and profile parsing, kernel facts, the
// QEMU command line, the reporter (expectations: test_expectations.cc).
#include <gtest/gtest.h>

#include <fstream>

#include "core/errors.h"
#include "core/kernel_info.h"
#include "core/registry.h"
#include "core/reporter.h"
#include "runners/command_line/args.h"
#include "runners/kernel/kernel_locator.h"
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
  fold_report_line(R"({"event":"namespace_changed","what":"unbind of namespace0.1"})", report);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.namespace_changes, std::vector<std::string>{"unbind of namespace0.1"});
  EXPECT_EQ(report.failures[0].line, 3);
  EXPECT_EQ(report.metrics[0].value, 1.5);
  EXPECT_EQ(report.broken_reason, "first");
  EXPECT_EQ(report.malformed.size(), 2u);
}

}  // namespace
}  // namespace dt
