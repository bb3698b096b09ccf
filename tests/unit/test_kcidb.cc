// KCIDB v5.3 (validated against the schema itself by tests/schemas/validate-run.sh): status mapping, test paths and ids, and the schema rules a
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

// The instance tests come after the run's own node.
const json& instance_test(const json& report, size_t i) { return report["tests"][i + 1]; }

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
  EXPECT_EQ(report["version"], json({{"major", 5}, {"minor", 3}}));
  ASSERT_EQ(report["checkouts"].size(), 1u);
  ASSERT_EQ(report["builds"].size(), 1u);
  ASSERT_EQ(report["tests"].size(), 7u);

  const json& checkout = report["checkouts"][0];
  EXPECT_EQ(checkout["id"], "daxtorture:kernel:6.9.0 #1 SMP");
  EXPECT_EQ(checkout["origin"], "daxtorture");
  EXPECT_FALSE(checkout.contains("git_commit_hash"));

  const json& build = report["builds"][0];
  EXPECT_EQ(build["id"], "daxtorture:kernel:6.9.0 #1 SMP");
  EXPECT_EQ(build["checkout_id"], "daxtorture:kernel:6.9.0 #1 SMP");
  EXPECT_EQ(build["status"], "PASS");
  EXPECT_FALSE(build.contains("valid"));  // v4 only

  const json& node = report["tests"][0];
  EXPECT_EQ(node["path"], "daxtorture");
  EXPECT_EQ(node["id"], "daxtorture:r1");
  EXPECT_EQ(node["status"], "ERROR");  // the worst: a CRASH
  EXPECT_EQ(node["environment"]["misc"]["pmem.size"], "2G");
  EXPECT_EQ(build["misc"]["kernel_release"], "6.9.0");

  const std::vector<std::string> expected = {"PASS",  "FAIL",  "ERROR",
                                             "ERROR", "ERROR", "SKIP"};
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& test = instance_test(report, i);
    SCOPED_TRACE(test["comment"].get<std::string>());
    EXPECT_EQ(test["status"], expected[i]);
    EXPECT_EQ(test["build_id"], "daxtorture:kernel:6.9.0 #1 SMP");
    EXPECT_EQ(test["origin"], "daxtorture");
    EXPECT_EQ(test["duration"], 1.5);
    EXPECT_EQ(test["start_time"], "2024-05-01T12:00:01Z");
    EXPECT_EQ(test["misc"]["status"], status_name(sample_run().instances[i].status));
    // The run's environment is on its node only, not repeated per test.
    EXPECT_EQ(test["environment"]["comment"], "qemu-kvm, run r1");
    EXPECT_FALSE(test["environment"].contains("misc"));
  }
  EXPECT_FALSE(contains_null(report));
}

TEST(Kcidb, TimeoutIsErrorWithANoteInMisc) {
  const json report = to_kcidb(sample_run());
  const json& timeout = instance_test(report, 3);
  EXPECT_EQ(timeout["status"], "ERROR");
  EXPECT_EQ(timeout["misc"]["status"], "TIMEOUT");
  EXPECT_EQ(timeout["misc"]["timeout"], true);
  EXPECT_EQ(timeout["misc"]["reason"], "killed after 30 s");
  EXPECT_EQ(timeout["log_excerpt"], "TIMEOUT: killed after 30 s\n");
  for (size_t i : {0, 1, 2, 4, 5})
    EXPECT_FALSE(instance_test(report, i)["misc"].contains("timeout")) << i;
  EXPECT_EQ(instance_test(report, 4)["misc"]["status"], "CRASH");
  EXPECT_EQ(instance_test(report, 2)["misc"]["status"], "BROKEN");
}

TEST(Kcidb, TestIdAndPath) {
  const json report = to_kcidb(sample_run());
  const json& fail = instance_test(report, 1);
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
  const json& misc = instance_test(report, 1)["misc"];
  EXPECT_EQ(misc["failures"], json::array({"t.cc:10: n == 4096: got 0"}));
  EXPECT_EQ(misc["kernel_findings"][0],
            json({{"kind", "WARNING"}, {"line", "WARNING: at fs/dax.c:1"}}));
  EXPECT_EQ(misc["fixes"][0],
            json({{"sha", "1a2b3c4d5e6f"}, {"subject", "fs/dax: fix"}}));
  EXPECT_EQ(misc["workload"], "truncate_vs_pinned_dio");
  EXPECT_EQ(misc["run_id"], "r1");
  EXPECT_EQ(instance_test(report, 1)["log_excerpt"],
            "t.cc:10: n == 4096: got 0\nkernel: WARNING: at fs/dax.c:1\n"
            "HINT: you may be missing kernel fix 1a2b3c4d5e6f (\"fs/dax: fix\")\n");
  EXPECT_FALSE(instance_test(report, 0).contains("log_excerpt"));
}

TEST(Kcidb, OriginIsConfigurableAndSanitized) {
  KcidbOptions options;
  options.origin = "My-Lab.01";
  const json report = to_kcidb(sample_run(), options);
  EXPECT_EQ(report["checkouts"][0]["origin"], "my_lab_01");
  EXPECT_EQ(report["builds"][0]["id"], "my_lab_01:kernel:6.9.0 #1 SMP");
  EXPECT_EQ(instance_test(report, 0)["id"], "my_lab_01:r1:a/xfs/4k");
  EXPECT_EQ(instance_test(report, 0)["origin"], "my_lab_01");
  // The path names the suite, whoever submits it.
  EXPECT_EQ(instance_test(report, 0)["path"], "daxtorture.a.xfs.4k");

  options.origin = "";
  EXPECT_EQ(instance_test(to_kcidb(sample_run(), options), 0)["origin"], "daxtorture");
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
  EXPECT_EQ(instance_test(report, 5)["build_id"], "lab:build-7");
}

TEST(Kcidb, KnownFailuresAreIncidentsOfIssues) {
  RunResult run = sample_run();
  for (size_t i : {1, 3}) {
    run.instances[i].expectation = Expectation::known_failure;
    run.instances[i].expectation_pattern = "*";
    run.instances[i].expectation_note = "hangs on 6.9";
    run.instances[i].expectation_source = "vm-configs/expectations/debian-6.9.expect:7";
  }
  run.instances[0].expectation = Expectation::fixed;
  run.instances[0].expectation_pattern = "a/*";
  run.instances[0].expectation_source = "vm-configs/expectations/debian-6.9.expect:9";
  run.instances[2].expectation = Expectation::new_failure;
  const json report = to_kcidb(run);
  ASSERT_EQ(report["issues"].size(), 2u);
  EXPECT_EQ(report["issues"][0]["id"], "daxtorture:expect:debian-6.9.expect:a/*");
  EXPECT_EQ(report["issues"][1]["id"], "daxtorture:expect:debian-6.9.expect:*");
  EXPECT_EQ(report["issues"][1]["comment"], "hangs on 6.9");
  EXPECT_EQ(report["issues"][1]["culprit"], json({{"code", true}}));
  ASSERT_EQ(report["incidents"].size(), 3u);
  EXPECT_EQ(report["incidents"][0]["present"], false);  // fixed: the issue is absent
  EXPECT_EQ(report["incidents"][1]["present"], true);
  EXPECT_EQ(report["incidents"][1]["test_id"], instance_test(report, 1)["id"]);
  EXPECT_EQ(report["incidents"][1]["issue_version"], 1);
  EXPECT_EQ(instance_test(report, 1)["misc"]["expectation"],
            "known failure: hangs on 6.9 (vm-configs/expectations/debian-6.9.expect:7)");
  for (size_t i = 0; i < run.instances.size(); ++i)
    EXPECT_FALSE(instance_test(report, i).contains("waived")) << i;  // v4 only
}

TEST(Kcidb, OneCheckoutAndBuildPerKernelNotPerRun) {
  RunResult run = sample_run();
  run.info.kernel_origin.kind = "tree";
  run.info.kernel_origin.commit = std::string(40, 'b');
  run.info.kernel_origin.describe = "v6.9-3-gbbbbbbbbbbbb";
  run.info.kernel_origin.repository_url = "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git";
  run.info.kernel_origin.branch = "linux-6.9.y";
  run.info.kernel_origin.config_sha256 = "c0ffee";
  run.info.kernel_origin.config_name = "x86_64_defconfig+daxtorture";
  run.info.kernel_origin.compiler = "gcc (Debian 12.2.0-14) 12.2.0";
  run.info.kernel_origin.architecture = "x86_64";
  RunResult again = run;
  again.info.run_id = "r2";
  const json a = to_kcidb(run), b = to_kcidb(again);
  EXPECT_EQ(a["checkouts"][0]["id"], "daxtorture:git:" + std::string(40, 'b'));
  EXPECT_EQ(a["checkouts"], b["checkouts"]);
  EXPECT_EQ(a["builds"], b["builds"]);
  EXPECT_NE(instance_test(a, 0)["id"], instance_test(b, 0)["id"]);
  EXPECT_EQ(a["checkouts"][0]["git_commit_name"], "v6.9-3-gbbbbbbbbbbbb");
  EXPECT_EQ(a["checkouts"][0]["git_repository_branch"], "linux-6.9.y");
  EXPECT_EQ(a["builds"][0]["id"], "daxtorture:git:" + std::string(40, 'b') + ":c0ffee");
  EXPECT_EQ(a["builds"][0]["config_name"], "x86_64_defconfig+daxtorture");
  EXPECT_EQ(a["builds"][0]["compiler"], "gcc (Debian 12.2.0-14) 12.2.0");
  EXPECT_EQ(a["builds"][0]["architecture"], "x86_64");

  RunResult package = sample_run();
  package.info.kernel_origin.kind = "debian-package";
  package.info.kernel_origin.package = "linux-image-6.9.0-1-amd64-unsigned";
  package.info.kernel_origin.package_version = "6.9.1-1";
  const json p = to_kcidb(package);
  EXPECT_EQ(p["checkouts"][0]["id"], "daxtorture:debian:linux-image-6.9.0-1-amd64-unsigned=6.9.1-1");
  EXPECT_EQ(p["checkouts"][0]["tree_name"], "debian");
}

TEST(Kcidb, LogUrlAndOutputFilesUnderTheArtifactsUrl) {
  KcidbOptions options;
  options.artifacts_url = "https://ci.example/runs/r1/";
  options.artifact_files["a/xfs/4k"] = {"instances/a~xfs~4k/dmesg.txt",
                                        "instances/a~xfs~4k/output.txt",
                                        "instances/a~xfs~4k/instance.json"};
  options.run_files = {"console.log", "run.json"};
  const json report = to_kcidb(sample_run(), options);
  const json& test = instance_test(report, 0);
  EXPECT_EQ(test["log_url"], "https://ci.example/runs/r1/instances/a~xfs~4k/output.txt");
  EXPECT_EQ(test["output_files"],
            json::parse(R"([{"name":"dmesg.txt","url":"https://ci.example/runs/r1/instances/a~xfs~4k/dmesg.txt"},
                            {"name":"instance.json","url":"https://ci.example/runs/r1/instances/a~xfs~4k/instance.json"}])"));
  EXPECT_EQ(report["tests"][0]["log_url"], "https://ci.example/runs/r1/console.log");
  EXPECT_FALSE(instance_test(report, 1).contains("log_url"));  // no files listed
  EXPECT_EQ(url_path("instances/a#2 b"), "instances/a%232%20b");
}

TEST(Kcidb, NonFiniteNumbersAreLeftOut) {
  RunResult run = sample_run();
  run.instances[0].duration_s = std::numeric_limits<double>::quiet_NaN();
  run.instances[0].workload_s = std::numeric_limits<double>::infinity();
  run.instances[0].metrics.push_back(
      {"bad", std::numeric_limits<double>::quiet_NaN(), "ns"});
  run.instances[0].metrics.push_back({"good", 3, "ns"});
  const json report = to_kcidb(run);
  const json& test = instance_test(report, 0);
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
  const auto excerpt = instance_test(report, 1)["log_excerpt"].get<std::string>();
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
