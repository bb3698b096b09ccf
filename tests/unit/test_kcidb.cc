// KCIDB v4.3: status mapping, test paths and ids, and the schema rules a
// submission is rejected for (patterns, no nulls, excerpt length).
#include <gtest/gtest.h>

#include <limits>
#include <regex>
#include <string>

#include "reports/kcidb.h"

namespace dt::reports {
namespace {

using nlohmann::json;

InstanceResult instance(std::string name, Status status) {
  InstanceResult r;
  r.name = std::move(name);
  r.workload = r.name.substr(0, r.name.find('/'));
  r.status = status;
  r.duration_s = 1.5;
  r.started_at = "2024-05-01T12:00:01Z";
  return r;
}

RunResult sample_run() {
  RunResult run;
  run.info.run_id = "r1";
  run.info.kernel_release = "6.9.0";
  run.info.kernel_version = "#1 SMP";
  run.info.machine = "qemu-kvm";
  run.info.tool_version = "0.1.0";
  run.info.environment = {{"pmem.size", "2G"}};
  run.instances.push_back(instance("a/xfs/4k", Status::pass));
  InstanceResult fail = instance("truncate_vs_pinned_dio/xfs/4k", Status::fail);
  fail.failures.push_back({"t.cc", 10, "n == 4096", "got 0"});
  fail.kernel_findings.push_back({"WARNING", "WARNING: at fs/dax.c:1"});
  fail.fixes.push_back({"1a2b3c4d5e6f", "fs/dax: fix"});
  run.instances.push_back(fail);
  run.instances.push_back(instance("b/ext4/4k", Status::broken));
  InstanceResult timeout = instance("c/xfs/2m", Status::timeout);
  timeout.reason = "killed after 30 s";
  run.instances.push_back(timeout);
  run.instances.push_back(instance("d/xfs/4k", Status::crash));
  run.instances.push_back(instance("e/devdax/2m", Status::skip));
  return run;
}

// The schema allows no null at any depth.
bool contains_null(const json& j) {
  if (j.is_null()) return true;
  if (j.is_structured())
    for (const auto& child : j)
      if (contains_null(child)) return true;
  return false;
}

TEST(Kcidb, StatusMapping) {
  EXPECT_STREQ(kcidb_status(Status::pass), "PASS");
  EXPECT_STREQ(kcidb_status(Status::fail), "FAIL");
  EXPECT_STREQ(kcidb_status(Status::broken), "ERROR");
  EXPECT_STREQ(kcidb_status(Status::timeout), "ERROR");
  EXPECT_STREQ(kcidb_status(Status::crash), "ERROR");
  EXPECT_STREQ(kcidb_status(Status::skip), "SKIP");
}

TEST(Kcidb, VersionCheckoutBuildAndTests) {
  const json report = to_kcidb(sample_run());
  EXPECT_EQ(report["version"], json({{"major", 4}, {"minor", 3}}));
  ASSERT_EQ(report["checkouts"].size(), 1u);
  ASSERT_EQ(report["builds"].size(), 1u);
  ASSERT_EQ(report["tests"].size(), 6u);

  const json& checkout = report["checkouts"][0];
  EXPECT_EQ(checkout["id"], "daxtorture:r1");
  EXPECT_EQ(checkout["origin"], "daxtorture");
  EXPECT_FALSE(checkout.contains("git_commit_hash"));

  const json& build = report["builds"][0];
  EXPECT_EQ(build["id"], "daxtorture:r1");
  EXPECT_EQ(build["checkout_id"], "daxtorture:r1");
  EXPECT_EQ(build["misc"]["kernel_release"], "6.9.0");

  const std::vector<std::string> expected = {"PASS",  "FAIL",  "ERROR",
                                             "ERROR", "ERROR", "SKIP"};
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& test = report["tests"][i];
    SCOPED_TRACE(test["comment"].get<std::string>());
    EXPECT_EQ(test["status"], expected[i]);
    EXPECT_EQ(test["build_id"], "daxtorture:r1");
    EXPECT_EQ(test["origin"], "daxtorture");
    EXPECT_EQ(test["duration"], 1.5);
    EXPECT_EQ(test["start_time"], "2024-05-01T12:00:01Z");
    EXPECT_EQ(test["misc"]["status"], status_name(sample_run().instances[i].status));
    EXPECT_EQ(test["environment"]["comment"], "qemu-kvm");
    EXPECT_EQ(test["environment"]["misc"]["pmem.size"], "2G");
  }
  EXPECT_FALSE(contains_null(report));
}

TEST(Kcidb, TimeoutIsErrorWithANoteInMisc) {
  const json report = to_kcidb(sample_run());
  const json& timeout = report["tests"][3];
  EXPECT_EQ(timeout["status"], "ERROR");
  EXPECT_EQ(timeout["misc"]["status"], "TIMEOUT");
  EXPECT_EQ(timeout["misc"]["timeout"], true);
  EXPECT_EQ(timeout["misc"]["reason"], "killed after 30 s");
  EXPECT_EQ(timeout["log_excerpt"], "TIMEOUT: killed after 30 s\n");
  for (size_t i : {0, 1, 2, 4, 5})
    EXPECT_FALSE(report["tests"][i]["misc"].contains("timeout")) << i;
  EXPECT_EQ(report["tests"][4]["misc"]["status"], "CRASH");
  EXPECT_EQ(report["tests"][2]["misc"]["status"], "BROKEN");
}

TEST(Kcidb, TestIdAndPath) {
  const json report = to_kcidb(sample_run());
  const json& fail = report["tests"][1];
  EXPECT_EQ(fail["id"], "daxtorture:r1:truncate_vs_pinned_dio/xfs/4k");
  EXPECT_EQ(fail["path"], "daxtorture.truncate_vs_pinned_dio.xfs.4k");
  EXPECT_EQ(fail["comment"], "truncate_vs_pinned_dio/xfs/4k");
}

TEST(Kcidb, PathIsSanitizedToTheSchemaPattern) {
  EXPECT_EQ(kcidb_path("truncate_vs_pinned_dio/xfs/4k"),
            "daxtorture.truncate_vs_pinned_dio.xfs.4k");
  EXPECT_EQ(kcidb_path("a b/xfs.v2/mode:dax=always"),
            "daxtorture.a_b.xfs_v2.mode_dax_always");
  EXPECT_EQ(kcidb_path("//x//y/"), "daxtorture.x.y");
  EXPECT_EQ(kcidb_path("ü#\n"), "daxtorture.____");
  EXPECT_EQ(kcidb_path(""), "daxtorture");
  const std::regex pattern("^[.a-zA-Z0-9_-]*$");
  for (const char* name : {"x y/z", "\x01\xff/..", "<a>/&", "ok-1/x_y"})
    EXPECT_TRUE(std::regex_match(kcidb_path(name), pattern)) << name;
}

TEST(Kcidb, FailureDetailsInMiscAndExcerpt) {
  const json report = to_kcidb(sample_run());
  const json& misc = report["tests"][1]["misc"];
  EXPECT_EQ(misc["failures"], json::array({"t.cc:10: n == 4096: got 0"}));
  EXPECT_EQ(misc["kernel_findings"][0],
            json({{"kind", "WARNING"}, {"line", "WARNING: at fs/dax.c:1"}}));
  EXPECT_EQ(misc["fixes"][0],
            json({{"sha", "1a2b3c4d5e6f"}, {"subject", "fs/dax: fix"}}));
  EXPECT_EQ(misc["workload"], "truncate_vs_pinned_dio");
  EXPECT_EQ(misc["run_id"], "r1");
  EXPECT_EQ(report["tests"][1]["log_excerpt"],
            "t.cc:10: n == 4096: got 0\nkernel: WARNING: WARNING: at fs/dax.c:1\n");
  EXPECT_FALSE(report["tests"][0].contains("log_excerpt"));
}

TEST(Kcidb, OriginIsConfigurableAndSanitized) {
  KcidbOptions options;
  options.origin = "My-Lab.01";
  const json report = to_kcidb(sample_run(), options);
  EXPECT_EQ(report["checkouts"][0]["origin"], "my_lab_01");
  EXPECT_EQ(report["builds"][0]["id"], "my_lab_01:r1");
  EXPECT_EQ(report["tests"][0]["id"], "my_lab_01:r1:a/xfs/4k");
  EXPECT_EQ(report["tests"][0]["origin"], "my_lab_01");
  // The path names the suite, whoever submits it.
  EXPECT_EQ(report["tests"][0]["path"], "daxtorture.a.xfs.4k");

  options.origin = "";
  EXPECT_EQ(to_kcidb(sample_run(), options)["tests"][0]["origin"], "daxtorture");
}

TEST(Kcidb, GivenIdsAndCheckoutFactsAreUsed) {
  KcidbOptions options;
  options.checkout_id = "lab:checkout-7";
  options.build_id = "lab:build-7";
  options.tree_name = "mainline";
  options.git_repository_url =
      "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git";
  options.git_commit_hash = std::string(40, 'a');
  options.architecture = "X86-64";
  const json report = to_kcidb(sample_run(), options);
  EXPECT_EQ(report["checkouts"][0]["id"], "lab:checkout-7");
  EXPECT_EQ(report["checkouts"][0]["tree_name"], "mainline");
  EXPECT_EQ(report["checkouts"][0]["git_commit_hash"], std::string(40, 'a'));
  EXPECT_EQ(report["builds"][0]["id"], "lab:build-7");
  EXPECT_EQ(report["builds"][0]["checkout_id"], "lab:checkout-7");
  EXPECT_EQ(report["builds"][0]["architecture"], "x86_64");
  EXPECT_EQ(report["tests"][5]["build_id"], "lab:build-7");
}

TEST(Kcidb, KnownFailureIsWaived) {
  RunResult run = sample_run();
  run.instances[1].expectation = Expectation::known_failure;
  run.instances[2].expectation = Expectation::new_failure;
  const json report = to_kcidb(run);
  EXPECT_EQ(report["tests"][1]["waived"], true);
  EXPECT_EQ(report["tests"][1]["misc"]["expectation"], "known failure");
  EXPECT_FALSE(report["tests"][2].contains("waived"));
  EXPECT_FALSE(report["tests"][0].contains("waived"));
}

TEST(Kcidb, NonFiniteNumbersAreLeftOut) {
  RunResult run = sample_run();
  run.instances[0].duration_s = std::numeric_limits<double>::quiet_NaN();
  run.instances[0].workload_s = std::numeric_limits<double>::infinity();
  run.instances[0].metrics.push_back(
      {"bad", std::numeric_limits<double>::quiet_NaN(), "ns"});
  run.instances[0].metrics.push_back({"good", 3, "ns"});
  const json report = to_kcidb(run);
  const json& test = report["tests"][0];
  EXPECT_FALSE(test.contains("duration"));
  EXPECT_FALSE(test["misc"].contains("workload_duration"));
  ASSERT_EQ(test["misc"]["metrics"].size(), 1u);
  EXPECT_EQ(test["misc"]["metrics"][0]["name"], "good");
  EXPECT_FALSE(contains_null(report));
  EXPECT_NO_THROW(report.dump());
}

TEST(Kcidb, LogExcerptIsCappedOnACharacterBoundary) {
  RunResult run = sample_run();
  std::string line;
  for (int i = 0; i < 10000; ++i) line += "\xC3\xA9";  // é, 2 bytes each
  run.instances[1].kernel_findings[0].line = line;
  const json report = to_kcidb(run);
  const auto excerpt = report["tests"][1]["log_excerpt"].get<std::string>();
  EXPECT_LE(excerpt.size(), 16384u);
  EXPECT_GT(excerpt.size(), 16000u);
  EXPECT_NO_THROW(report.dump());  // would throw on a cut character
}

TEST(Kcidb, InvalidUtf8NeverBreaksTheDump) {
  RunResult run = sample_run();
  run.info.run_id = "r\xFF";
  run.instances[0].name = "a\xC3/xfs/4k";
  run.info.environment["k\xFE"] = "v\xFF";
  const json report = to_kcidb(run);
  EXPECT_NO_THROW(report.dump());
}

}  // namespace
}  // namespace dt::reports
