// run.json / instance.json: lossless round trip, and errors that name the
// field a hand-edited or truncated file got wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "reports/json_report.h"

namespace dt::reports {
namespace {

using nlohmann::json;

InstanceResult full_instance() {
  InstanceResult r;
  r.name = "truncate_vs_pinned_dio/xfs/4k";
  r.workload = "truncate_vs_pinned_dio";
  r.fs = "xfs";
  r.variant = "4k";
  r.status = Status::fail;
  r.reason = "";
  r.failures.push_back({"workloads/truncate.cc", 42, "pread(fd, buf, n) == n",
                        "expected 4096, got -1 (EIO)"});
  r.kernel_findings.push_back(
      {"WARNING", "WARNING: CPU: 0 PID: 7 at fs/dax.c:600 \x1b[1mx\x1b[0m"});
  r.fixes.push_back({"1a2b3c4d5e6f7a8b", "fs/dax: \"quoted\" subject"});
  r.metrics.push_back({"pmd_faults", 512, "faults"});
  r.metrics.push_back({"latency_p99", 0.1 + 0.2, "ns"});  // not exactly 0.3
  r.notes.push_back("register: EOPNOTSUPP \"quoted\"");
  r.taint_before = 0;
  r.taint_after = (1ull << 9) | (1ull << 63);
  r.duration_s = 1.0 / 3.0;
  r.workload_s = 1e-9;
  r.started_at = "2024-05-01T12:00:00.123Z";
  r.artifacts = "instances/truncate_vs_pinned_dio/xfs/4k";
  r.expectation = Expectation::known_failure;
  r.expectation_note = "late DMA into a freed block (6.12.117)";
  r.expectation_source = "vm-configs/expectations/debian-6.12.expect:21";
  r.expectation_pattern = "pin_*/*/*.unmapped.*";
  r.kernel_functions_reached = {{"fs/dax.c", {"dax_iomap_fault", "dax_break_layout"}}, {"mm/gup.c", {"pin_user_pages"}}};
  return r;
}

RunResult full_run() {
  RunResult run;
  run.info.run_id = "2024-05-01T120000Z-6.9.0";
  run.info.kernel_release = "6.9.0-rc1+";
  run.info.kernel_version = "#1 SMP PREEMPT_DYNAMIC Wed May  1 2024";
  run.info.machine = "qemu-kvm";
  run.info.tool_version = "0.1.0";
  run.info.started_at = "2024-05-01T12:00:00Z";
  run.info.finished_at = "2024-05-01T12:03:20Z";
  run.info.duration_s = 200.25;
  run.info.environment = {{"pmem.size", "2G"}, {"xfs.mkfs", "-m reflink=0"},
                          {"unicode", "größe ✓"}};
  run.info.kernel_origin.kind = "tree";
  run.info.kernel_origin.tree = "/src/linux";
  run.info.kernel_origin.commit = "537f385a3cae0123456789abcdef0123456789ab";
  run.info.kernel_origin.describe = "v6.12.117-3-g537f385a3cae";
  run.info.kernel_origin.config_sha256 = "ab12";
  run.instances.push_back(full_instance());
  InstanceResult skipped;
  skipped.name = "mmap_sync/devdax/2m";
  skipped.workload = "mmap_sync";
  skipped.fs = "devdax";
  skipped.variant = "2m";
  skipped.status = Status::skip;
  skipped.reason = "no devdax namespace";
  skipped.expectation = Expectation::known_failure;
  run.instances.push_back(skipped);
  InstanceResult timed_out = skipped;
  timed_out.name = "hang/xfs/4k";
  timed_out.status = Status::timeout;
  timed_out.expectation = Expectation::fixed;
  run.instances.push_back(timed_out);
  KernelCoverage coverage;
  coverage.instances = 2;
  coverage.tracefile = "coverage/kernel.info";
  coverage.html = "coverage/html/index.html";
  coverage.files.push_back({"drivers/dax/device.c", 106, 185, 11, 19, {"dev_dax_huge_fault", "dax_mmap"}});
  coverage.files.push_back({"fs/dax.c", 346, 845, 32, 62, {"dax_iomap_swapfile_activate"}});
  run.kernel_coverage = coverage;
  return run;
}

void expect_same(const InstanceResult& a, const InstanceResult& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.workload, b.workload);
  EXPECT_EQ(a.fs, b.fs);
  EXPECT_EQ(a.variant, b.variant);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.reason, b.reason);
  ASSERT_EQ(a.failures.size(), b.failures.size());
  for (size_t i = 0; i < a.failures.size(); ++i) {
    EXPECT_EQ(a.failures[i].file, b.failures[i].file);
    EXPECT_EQ(a.failures[i].line, b.failures[i].line);
    EXPECT_EQ(a.failures[i].check, b.failures[i].check);
    EXPECT_EQ(a.failures[i].message, b.failures[i].message);
  }
  ASSERT_EQ(a.kernel_findings.size(), b.kernel_findings.size());
  for (size_t i = 0; i < a.kernel_findings.size(); ++i) {
    EXPECT_EQ(a.kernel_findings[i].kind, b.kernel_findings[i].kind);
    EXPECT_EQ(a.kernel_findings[i].line, b.kernel_findings[i].line);
  }
  ASSERT_EQ(a.fixes.size(), b.fixes.size());
  for (size_t i = 0; i < a.fixes.size(); ++i) {
    EXPECT_EQ(a.fixes[i].sha, b.fixes[i].sha);
    EXPECT_EQ(a.fixes[i].subject, b.fixes[i].subject);
  }
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (size_t i = 0; i < a.metrics.size(); ++i) {
    EXPECT_EQ(a.metrics[i].name, b.metrics[i].name);
    if (std::isnan(a.metrics[i].value))
      EXPECT_TRUE(std::isnan(b.metrics[i].value));
    else
      EXPECT_EQ(a.metrics[i].value, b.metrics[i].value);  // bit-exact
    EXPECT_EQ(a.metrics[i].unit, b.metrics[i].unit);
  }
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(a.taint_before, b.taint_before);
  EXPECT_EQ(a.taint_after, b.taint_after);
  EXPECT_EQ(a.duration_s, b.duration_s);
  EXPECT_EQ(a.workload_s, b.workload_s);
  EXPECT_EQ(a.started_at, b.started_at);
  EXPECT_EQ(a.artifacts, b.artifacts);
  EXPECT_EQ(a.expectation, b.expectation);
  EXPECT_EQ(a.expectation_note, b.expectation_note);
  EXPECT_EQ(a.expectation_source, b.expectation_source);
  EXPECT_EQ(a.expectation_pattern, b.expectation_pattern);
  EXPECT_EQ(a.kernel_functions_reached, b.kernel_functions_reached);
}

void expect_same(const RunResult& a, const RunResult& b) {
  EXPECT_EQ(a.info.run_id, b.info.run_id);
  EXPECT_EQ(a.info.kernel_release, b.info.kernel_release);
  EXPECT_EQ(a.info.kernel_version, b.info.kernel_version);
  EXPECT_EQ(a.info.machine, b.info.machine);
  EXPECT_EQ(a.info.tool_version, b.info.tool_version);
  EXPECT_EQ(a.info.started_at, b.info.started_at);
  EXPECT_EQ(a.info.finished_at, b.info.finished_at);
  EXPECT_EQ(a.info.duration_s, b.info.duration_s);
  EXPECT_EQ(a.info.environment, b.info.environment);
  EXPECT_EQ(a.info.kernel_origin.kind, b.info.kernel_origin.kind);
  EXPECT_EQ(a.info.kernel_origin.tree, b.info.kernel_origin.tree);
  EXPECT_EQ(a.info.kernel_origin.commit, b.info.kernel_origin.commit);
  EXPECT_EQ(a.info.kernel_origin.describe, b.info.kernel_origin.describe);
  EXPECT_EQ(a.info.kernel_origin.config_sha256, b.info.kernel_origin.config_sha256);
  EXPECT_EQ(a.info.kernel_origin.package, b.info.kernel_origin.package);
  ASSERT_EQ(a.kernel_coverage.has_value(), b.kernel_coverage.has_value());
  if (a.kernel_coverage) {
    const KernelCoverage &x = *a.kernel_coverage, &y = *b.kernel_coverage;
    EXPECT_EQ(x.instances, y.instances);
    EXPECT_EQ(x.tracefile, y.tracefile);
    EXPECT_EQ(x.html, y.html);
    EXPECT_EQ(x.note, y.note);
    ASSERT_EQ(x.files.size(), y.files.size());  // both in file-name order here
    for (size_t i = 0; i < x.files.size(); ++i) {
      EXPECT_EQ(x.files[i].file, y.files[i].file);
      EXPECT_EQ(x.files[i].lines_hit, y.files[i].lines_hit);
      EXPECT_EQ(x.files[i].lines_total, y.files[i].lines_total);
      EXPECT_EQ(x.files[i].functions_hit, y.files[i].functions_hit);
      EXPECT_EQ(x.files[i].functions_total, y.files[i].functions_total);
      EXPECT_EQ(x.files[i].functions_missed, y.files[i].functions_missed);
    }
  }
  ASSERT_EQ(a.instances.size(), b.instances.size());
  for (size_t i = 0; i < a.instances.size(); ++i) {
    SCOPED_TRACE(a.instances[i].name);
    expect_same(a.instances[i], b.instances[i]);
  }
}

// Through text, as the files are really used.
RunResult through_text(const RunResult& run) {
  return run_from_json(json::parse(to_json(run).dump(2)));
}

// Expects run_from_json to throw a message containing `field`.
void expect_error_naming(const json& document, const std::string& field) {
  try {
    run_from_json(document);
    ADD_FAILURE() << "no error for " << field;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos)
        << "message \"" << e.what() << "\" does not name " << field;
  }
}

TEST(JsonReport, RunRoundTripIsLossless) {
  const RunResult run = full_run();
  expect_same(run, through_text(run));
}

TEST(JsonReport, EmptyRunRoundTrips) {
  RunResult run;
  run.info.run_id = "empty";
  const json document = to_json(run);
  EXPECT_EQ(document["status"], "PASS");
  expect_same(run, through_text(run));
}

TEST(JsonReport, NonFiniteNumbersRoundTrip) {
  RunResult run = full_run();
  run.info.duration_s = std::numeric_limits<double>::infinity();
  run.instances[0].metrics[0].value = std::numeric_limits<double>::quiet_NaN();
  run.instances[0].metrics[1].value = -std::numeric_limits<double>::infinity();
  const json document = to_json(run);
  EXPECT_EQ(document["info"]["duration_s"], "inf");
  EXPECT_EQ(document["instances"][0]["metrics"][0]["value"], "nan");
  EXPECT_EQ(document["instances"][0]["metrics"][1]["value"], "-inf");
  expect_same(run, through_text(run));
}

TEST(JsonReport, DocumentLayout) {
  const json document = to_json(full_run());
  EXPECT_EQ(document["schema"], "daxtorture-run/1");
  EXPECT_EQ(document["status"], "TIMEOUT");  // worst of FAIL, SKIP, TIMEOUT
  EXPECT_EQ(document["counts"],
            json({{"PASS", 0}, {"SKIP", 1}, {"FAIL", 1}, {"BROKEN", 0},
                  {"TIMEOUT", 1}, {"CRASH", 0}}));
  const json& first = document["instances"][0];
  EXPECT_EQ(first["status"], "FAIL");
  EXPECT_EQ(first["expectation"], "known_failure");
  EXPECT_EQ(first["failures"][0],
            json({{"file", "workloads/truncate.cc"},
                  {"line", 42},
                  {"check", "pread(fd, buf, n) == n"},
                  {"message", "expected 4096, got -1 (EIO)"}}));
  EXPECT_EQ(first["taint_after"].get<uint64_t>(), (1ull << 9) | (1ull << 63));
  EXPECT_EQ(document["instances"][1]["expectation"], "known_failure");
  EXPECT_EQ(document["instances"][2]["expectation"], "fixed");
  EXPECT_FALSE(first.contains("schema"));
}

TEST(JsonReport, InstanceRoundTripAloneAndAsDocument) {
  const InstanceResult r = full_instance();
  expect_same(r, instance_from_json(json::parse(to_json(r).dump())));
  const json document = instance_document(r);
  EXPECT_EQ(document["schema"], "daxtorture-instance/1");
  expect_same(r, instance_from_json(json::parse(document.dump())));
}

TEST(JsonReport, InvalidUtf8BecomesReplacementAndStillDumps) {
  RunResult run = full_run();
  run.instances[0].kernel_findings[0].line = "bad \xC3\x28 byte \xFF end";
  const json document = to_json(run);
  std::string text;
  ASSERT_NO_THROW(text = document.dump());
  EXPECT_EQ(run_from_json(json::parse(text)).instances[0].kernel_findings[0].line,
            "bad \xEF\xBF\xBD( byte \xEF\xBF\xBD end");
}

TEST(JsonReport, MissingOptionalFieldsTakeDefaults) {
  const json document = {
      {"schema", "daxtorture-run/1"},
      {"info", {{"run_id", "r"}}},
      {"instances", {{{"name", "a/xfs/4k"}, {"status", "SKIP"}}}},
  };
  const RunResult run = run_from_json(document);
  EXPECT_EQ(run.info.run_id, "r");
  ASSERT_EQ(run.instances.size(), 1u);
  EXPECT_EQ(run.instances[0].status, Status::skip);
  EXPECT_EQ(run.instances[0].expectation, Expectation::none);
  EXPECT_TRUE(run.instances[0].failures.empty());
  EXPECT_EQ(run.instances[0].duration_s, 0);
}

TEST(JsonReport, UnknownFieldsAreIgnored) {
  json document = to_json(full_run());
  document["written_by_a_newer_version"] = {1, 2, 3};
  document["instances"][0]["new_field"] = "x";
  EXPECT_NO_THROW(run_from_json(document));
}

TEST(JsonReport, ErrorsNameTheBadField) {
  const json good = to_json(full_run());

  expect_error_naming(json::array(), "top level: expected an object");
  expect_error_naming(json(nullptr), "top level");

  json bad = good;
  bad.erase("schema");
  expect_error_naming(bad, "schema: missing");

  bad = good;
  bad["schema"] = "daxtorture-run/2";
  expect_error_naming(bad, "schema: expected \"daxtorture-run/1\"");

  bad = good;
  bad.erase("instances");
  expect_error_naming(bad, "instances: missing");

  bad = good;
  bad["instances"] = json::object();
  expect_error_naming(bad, "instances: expected an array, got object");

  bad = good;
  bad["info"].erase("run_id");
  expect_error_naming(bad, "info.run_id: missing");

  bad = good;
  bad["info"]["duration_s"] = "long";
  expect_error_naming(bad, "info.duration_s: expected a number, got string");

  bad = good;
  bad["info"]["environment"]["pmem.size"] = 2;
  expect_error_naming(bad, "info.environment.pmem.size: expected a string");

  bad = good;
  bad["instances"][2]["status"] = "PASSED";
  expect_error_naming(bad, "instances[2].status: unknown status \"PASSED\"");

  bad = good;
  bad["instances"][1].erase("name");
  expect_error_naming(bad, "instances[1].name: missing");

  bad = good;
  bad["instances"][0]["failures"][0]["line"] = "42";
  expect_error_naming(bad,
                      "instances[0].failures[0].line: expected an integer, got string");

  bad = good;
  bad["instances"][0]["failures"][0]["line"] = 4.5;
  expect_error_naming(bad, "instances[0].failures[0].line: expected an integer");

  bad = good;
  bad["instances"][0]["failures"][0]["line"] = 1ll << 40;
  expect_error_naming(bad, "instances[0].failures[0].line: integer out of range");

  bad = good;
  bad["instances"][0]["taint_after"] = -1;
  expect_error_naming(bad, "instances[0].taint_after: expected a non-negative");

  bad = good;
  bad["instances"][0]["kernel_findings"][0] = "WARNING";
  expect_error_naming(bad,
                      "instances[0].kernel_findings[0]: expected an object, got string");

  bad = good;
  bad["instances"][0]["fixes"][0].erase("sha");
  expect_error_naming(bad, "instances[0].fixes[0].sha: missing");

  bad = good;
  bad["instances"][0]["metrics"][1]["value"] = nullptr;
  expect_error_naming(bad, "instances[0].metrics[1].value: expected a number, got null");

  bad = good;
  bad["instances"][0]["expectation"] = "flaky";
  expect_error_naming(bad, "instances[0].expectation: unknown expectation");
}

TEST(JsonReport, InstanceErrorsNameTheField) {
  json document = instance_document(full_instance());
  document["schema"] = "daxtorture-run/1";
  try {
    instance_from_json(document);
    ADD_FAILURE() << "wrong schema accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema"), std::string::npos);
  }
  document = to_json(full_instance());
  document["status"] = 3;
  try {
    instance_from_json(document);
    ADD_FAILURE() << "numeric status accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("status: expected a string, got number"),
              std::string::npos)
        << e.what();
  }
}

TEST(JsonReport, NlohmannConversionsOfTheResultStructs) {
  const InstanceResult r = full_instance();
  const nlohmann::json j = r.failures.front();
  EXPECT_EQ(j.get<Failure>().message, r.failures.front().message);
  EXPECT_EQ(nlohmann::json(r.fixes).get<std::vector<FixTag>>().front().sha, r.fixes.front().sha);
  EXPECT_EQ(nlohmann::json(r).get<InstanceResult>().expectation_note, r.expectation_note);
  nlohmann::json bad = r.failures.front();
  bad["line"] = "7";
  try {
    (void)bad.get<Failure>();
    ADD_FAILURE() << "a string line was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "daxtorture JSON: line: expected an integer, got string");
  }
}

}  // namespace
}  // namespace dt::reports
