// Parsers of the kernel-build and bisect code: version ranges of expectation
// files, the config fragment merge and its check, SHA-256, origin files.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/errors.h"
#include "core/text_file.h"
#include "runners/kernel/coverage_objects.h"
#include "runners/kernel/kernel_build.h"
#include "runners/kernel/kernel_config.h"
#include "core/sha256.h"
#include "runners/results/expectations.h"

namespace dt {
namespace {

TEST(ReleaseVersion, ReadsTheLeadingNumbers) {
  EXPECT_EQ(release_version("6.12.117+deb12-amd64"), (std::vector<int>{6, 12, 117}));
  EXPECT_EQ(release_version("6.12.117-g537f385a3cae"), (std::vector<int>{6, 12, 117}));
  EXPECT_EQ(release_version("6.15-rc1"), (std::vector<int>{6, 15}));
  EXPECT_TRUE(release_version("linux").empty());
  EXPECT_TRUE(release_version("6").empty());
}

TEST(ReleaseVersion, RangesAndPrefixes) {
  auto v = release_version("6.12.117");
  EXPECT_TRUE(version_matches(v, "6.12"));
  EXPECT_TRUE(version_matches(v, "6.12.117"));
  EXPECT_FALSE(version_matches(v, "6.1"));   // a prefix of numbers, not of text
  EXPECT_FALSE(version_matches(v, "6.12.11"));
  EXPECT_TRUE(version_matches(v, ">=6.6 <6.15"));
  EXPECT_FALSE(version_matches(v, ">=6.15"));
  EXPECT_FALSE(version_matches(v, "<6.12.117"));
  EXPECT_TRUE(version_matches(v, "<=6.12.117"));
  EXPECT_FALSE(version_matches(v, "~6.12"));
  EXPECT_FALSE(has_dax_rework(v));
  EXPECT_TRUE(has_dax_rework(release_version("6.15")));
  EXPECT_TRUE(has_dax_rework(release_version("6.18.15+deb13-amd64")));
}

TEST(CoverageObjects, EachStemIsProfiledOnlyInItsFolders) {
  auto variables = coverage_make_variables({"mm/memory.o", "fs/dax.o", "fs/ext4/inode.o", "fs/xfs/xfs_inode.o",
                                            "drivers/dax/device.o", "mm/gup.o"});
  std::vector<std::string> expected = {
      "GCOV_PROFILE_dax.o=$(if $(filter fs,$(obj)),y,n)",
      "GCOV_PROFILE_device.o=$(if $(filter drivers/dax,$(obj)),y,n)",
      "GCOV_PROFILE_gup.o=$(if $(filter mm,$(obj)),y,n)",
      "GCOV_PROFILE_inode.o=$(if $(filter fs/ext4,$(obj)),y,n)",
      "GCOV_PROFILE_memory.o=$(if $(filter mm,$(obj)),y,n)",
      "GCOV_PROFILE_xfs_inode.o=$(if $(filter fs/xfs,$(obj)),y,n)",
  };
  EXPECT_EQ(variables, expected);
  // One stem in two folders: one variable naming both.
  EXPECT_EQ(coverage_make_variables({"a/x.o", "b/x.o"}),
            std::vector<std::string>{"GCOV_PROFILE_x.o=$(if $(filter a b,$(obj)),y,n)"});
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  EXPECT_EQ(sha256_hex("x86_64_defconfig+kvm_guest.config").substr(0, 8), "d7e64b63");
}

TEST(ConfigFragment, MergeReplacesTheBaseLines) {
  std::string base = "CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=m\n# comment\n";
  std::string merged = merge_fragment(base, "CONFIG_B=y\n# CONFIG_A is not set\n# a comment\n");
  EXPECT_EQ(merged, "CONFIG_C=m\n# comment\n# daxtorture: 2 options of the fragment\nCONFIG_B=y\n"
                    "# CONFIG_A is not set\n");
}

TEST(ConfigFragment, DroppedOptionsNameTheirDependencies) {
  std::string tree = ::testing::TempDir() + "/kconfig-tree";
  std::filesystem::create_directories(tree + "/mm");
  write_text_file(tree + "/mm/Kconfig",
                  "config ZONE_DEVICE\n\tbool \"Device memory\"\n\tdepends on MEMORY_HOTPLUG\n"
                  "\tdepends on MEMORY_HOTREMOVE\n\thelp\n\t  depends on nothing here\n"
                  "config OTHER\n\tdepends on X\n");
  std::string fragment = "CONFIG_ZONE_DEVICE=y\nCONFIG_XFS_FS=m\n# CONFIG_LOCALVERSION_AUTO is not set\nCONFIG_OTHER=y\n";
  std::string config = "CONFIG_XFS_FS=y\nCONFIG_OTHER=y\n# CONFIG_ZONE_DEVICE is not set\n";
  auto dropped = dropped_options(tree, fragment, config);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0], "CONFIG_ZONE_DEVICE=y (now not set; depends on MEMORY_HOTPLUG && MEMORY_HOTREMOVE)");
  dropped = dropped_options(tree, fragment, config + "CONFIG_LOCALVERSION_AUTO=y\n");
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[1], "CONFIG_LOCALVERSION_AUTO=not set (now y)");
}

TEST(KernelOrigin, FileRoundTrip) {
  KernelOrigin origin;
  origin.kind = "tree";
  origin.tree = "/src/linux";
  origin.commit = "537f385a3cae0123456789abcdef0123456789ab";
  origin.describe = "v6.12.117-3-g537f385a3cae";
  origin.config_sha256 = "ab12";
  origin.compiler = "gcc (Debian 12.2.0-14) 12.2.0";
  std::string path = ::testing::TempDir() + "/kernel-origin.txt";
  write_kernel_origin(path, origin);
  KernelOrigin back = read_kernel_origin(path);
  EXPECT_EQ(back.kind, origin.kind);
  EXPECT_EQ(back.tree, origin.tree);
  EXPECT_EQ(back.commit, origin.commit);
  EXPECT_EQ(back.describe, origin.describe);
  EXPECT_EQ(back.compiler, origin.compiler);
  EXPECT_EQ(back.branch, "");
}

}  // namespace
}  // namespace dt

#include "runners/bisect/bisect_record.h"
#include "runners/bisect/bisect_step.h"

namespace dt {
namespace {

InstanceResult instance_with(const std::string& name, Status status) {
  InstanceResult result;
  result.name = name;
  result.status = status;
  return result;
}

TEST(BisectJudge, PassFailAndWhatCannotJudge) {
  std::string reason;
  RunResult run;
  EXPECT_EQ(judge_run(run, &reason), Outcome::skip);
  EXPECT_EQ(reason, "no instance ran");
  run.instances = {instance_with("a/xfs/4k", Status::pass), instance_with("a/xfs/4k#2", Status::pass)};
  EXPECT_EQ(judge_run(run, &reason), Outcome::passes);
  run.instances.push_back(instance_with("b/xfs/4k", Status::broken));
  EXPECT_EQ(judge_run(run, &reason), Outcome::skip);   // set-up failed: no verdict on the kernel
  run.instances.push_back(instance_with("a/xfs/4k#3", Status::timeout));
  EXPECT_EQ(judge_run(run, &reason), Outcome::fails);  // any repetition that fails makes it bad
  EXPECT_EQ(reason, "a/xfs/4k#3 TIMEOUT");
  run.instances = {instance_with("a/xfs/4k", Status::skip)};
  EXPECT_EQ(judge_run(run, &reason), Outcome::skip);
  run.instances = {instance_with("a/xfs/4k", Status::crash)};
  EXPECT_EQ(judge_run(run, &reason), Outcome::fails);
}

TEST(BisectRecord, BoundAndWords) {
  EXPECT_EQ(boot_bound(1), 1);
  EXPECT_EQ(boot_bound(2), 2);
  EXPECT_EQ(boot_bound(7), 4);
  EXPECT_EQ(boot_bound(32), 6);
  EXPECT_EQ(boot_bound(35), 7);
  EXPECT_EQ(verdict_word(Outcome::passes, false), "good");
  EXPECT_EQ(verdict_word(Outcome::fails, false), "bad");
  EXPECT_EQ(verdict_word(Outcome::passes, true), "fixed");
  EXPECT_EQ(verdict_word(Outcome::fails, true), "broken");
  EXPECT_EQ(verdict_word(Outcome::skip, true), "skip");
}

TEST(BisectRecord, StepsSurviveAResume) {
  std::string dir = ::testing::TempDir() + "/bisect-record";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  StepResult step;
  step.number = 1;
  step.role = "step";
  step.commit = "537f385a3cae0123456789abcdef0123456789ab";
  step.subject = "fs/dax: a\ttab in the subject";
  step.build_s = 38.2;
  step.run_s = 27.5;
  step.outcome = Outcome::fails;
  step.reason = "truncate_vs_pinned_dio/xfs/4k FAIL: did not wait";
  step.run_dir = dir + "/runs/step-1";
  append_step(dir, step);
  step.number = 2;
  step.outcome = Outcome::skip;
  step.reason = "the build command cannot build this commit (exit 125)";
  step.run_dir = "";
  append_step(dir, step);
  auto steps = load_steps(dir);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].commit, step.commit);
  EXPECT_EQ(steps[0].subject, "fs/dax: a tab in the subject");
  EXPECT_EQ(steps[0].outcome, Outcome::fails);
  EXPECT_NEAR(steps[0].build_s, 38.2, 0.05);
  EXPECT_EQ(steps[0].run_dir, dir + "/runs/step-1");
  EXPECT_EQ(steps[1].outcome, Outcome::skip);
  EXPECT_EQ(steps[1].run_dir, "");
  std::string table = steps_table(steps, false);
  EXPECT_NE(table.find("537f385a3cae fs/dax: a tab in the subject"), std::string::npos);
  EXPECT_NE(table.find("bad     truncate_vs_pinned_dio/xfs/4k FAIL"), std::string::npos);
}

}  // namespace
}  // namespace dt
