// The LAVA side that needs no lab: the console protocol a job's guest
// prints, the job log parser, the shard-set checks of --collect and the
// job template filler. Each check is fed what breaks it, too.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "core/text_file.h"
#include "runners/results/results_store.h"

#include "core/errors.h"
#include "core/sha256.h"
#include "runners/lava/collect.h"
#include "runners/wire/lava_console.h"
#include "runners/lava/job_log.h"
#include "runners/lava/job_writer.h"

namespace dt::lava {
namespace {

// A log line as LAVA's logger writes it (PyYAML, every scalar quoted).
std::string target(const std::string& message) {
  std::string escaped;
  for (char c : message) escaped += c == '"' ? std::string("\\\"") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return "{\"dt\": \"2026-12-02T05:15:44.471364\", \"lvl\": \"target\", \"msg\": \"" + escaped + "\"}\n";
}

std::string shard_log(const std::string& shard, const std::vector<std::string>& names) {
  std::string log = target(std::string(kLinePrefix) + "plan " + shard + " 7489ff9aa98963b8 lava-6.12 6.12.117+deb12-amd64");
  for (const auto& name : names) log += target(std::string(kLinePrefix) + "planned " + name);
  return log;
}

TEST(LavaConsole, Base64RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    auto text = base64_encode(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    EXPECT_EQ(base64_decode(text), bytes) << i;
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(base64_encode("daxtorture"), "ZGF4dG9ydHVyZQ==");
  for (const char* bad : {"abc", "ab=c", "a===", "ZGF4@G9y", "ZQ==ZQ=="}) EXPECT_FALSE(base64_decode(bad)) << bad;
}

TEST(LavaConsole, CaseNamesAreFolderNames) {
  EXPECT_EQ(case_name("pin_matrix_sample/xfs/dio_read.truncate.mapped.4k"),
            "pin_matrix_sample~xfs~dio_read.truncate.mapped.4k");
  EXPECT_EQ(case_name("huge_pmd/ext4/write#3"), "huge_pmd~ext4~write.repeat3");
}

TEST(LavaLog, ReadsLavaRunLinesAndOutputYaml) {
  std::string lines =
      "{\"dt\": \"t\", \"lvl\": \"info\", \"msg\": \"start: 1 tmpfs-deploy\"}\n" + target("a \"quoted\" \\ line") +
      "{\"dt\": \"t\", \"lvl\": \"results\", \"msg\": {\"case\": \"pin~xfs~x\", \"definition\": \"0_daxtorture\", "
      "\"endtc\": ! \"345\", \"measurement\": ! \"16.77\", \"result\": \"pass\", \"units\": \"seconds\"}}\n"
      "{\"dt\": \"t\", \"lvl\": \"results\", \"msg\": {\"case\": \"apply-overlay-guest\", \"definition\": \"lava\", "
      "\"duration\": \"32.21\", \"result\": \"pass\"}}\n"
      "{\"dt\": \"t\", \"lvl\": \"results\", \"msg\": {\"case\": \"job\", \"definition\": \"lava\", \"result\": \"pass\"}}\n";
  for (const std::string& text : {lines, "- " + std::string(lines).replace(lines.find("\n{"), 2, "\n- {")}) {
    JobLog log = parse_job_log(text, "job.log");
    ASSERT_EQ(log.console.size(), 1u);
    EXPECT_EQ(log.console[0], "a \"quoted\" \\ line");
    ASSERT_EQ(log.cases.size(), 3u);
    EXPECT_EQ(log.cases[0].measurement, "16.77");
    EXPECT_EQ(log.cases[0].result, "pass");
    EXPECT_EQ(log.job_result, "pass");
    EXPECT_DOUBLE_EQ(log.action_seconds["apply-overlay-guest"], 32.21);
  }
}

TEST(LavaLog, DecodesYamlEscapes) {
  auto line = parse_flow_line(R"({"msg": "tab\there \x1b[6n \u00e9 \N \/ end", "n": []})");
  ASSERT_FALSE(line.is_discarded());
  EXPECT_EQ(line["msg"].get<std::string>(), "tab\there \x1b[6n \xc3\xa9 \xc2\x85 / end");
  for (const char* bad : {R"({"msg": "cut off)", R"({"msg": "x" "y"})", R"({"msg": "\q"})", "[1, 2]", ""})
    EXPECT_TRUE(parse_flow_line(bad).is_discarded()) << bad;
}

TEST(LavaLog, RefusesWhatIsNotALavaLog) {
  try {
    parse_job_log("KTAP version 1\n1..2\n", "results.ktap");
    FAIL() << "a KTAP file was taken for a LAVA log";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("results.ktap is not a LAVA job log (line 1"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("fix: "), std::string::npos);
  }
  EXPECT_THROW(parse_job_log("\n\n", "empty.log"), UsageError);
  // A job killed while its log was written: the cut last line is counted, not fatal.
  JobLog cut = parse_job_log(target("x") + "{\"dt\": \"t\", \"lvl\": \"tar", "cut.log");
  EXPECT_EQ(cut.unreadable_lines, 1u);
}

TEST(LavaCollect, RebuildsFilesAndRejectsDamagedOnes) {
  std::string log = shard_log("1/1", {"w/xfs/a"});
  const std::string good = "{\"name\": \"w/xfs/a\", \"status\": \"PASS\"}\n";
  for (const auto& line : file_lines("instances/w~xfs~a/instance.json", good)) log += target(line);
  // A kernel message printed into the middle of a file line.
  std::vector<std::string> damaged = file_lines("instances/w~xfs~a/dmesg.txt", std::string(200, 'k'));
  damaged[2].insert(30, "[  12.3] nd_pmem: probe");
  for (const auto& line : damaged) log += target(line);
  // A file whose end never came, then a path outside the run folder.
  auto unfinished = file_lines("instances/w~xfs~a/output.txt", "partial");
  log += target(unfinished[0]) + target(unfinished[1]);
  for (const auto& line : file_lines("../../etc/passwd", "x")) log += target(line);
  log += target(std::string(kLinePrefix) + "finished 0");

  ShardRecord shard = read_shard(parse_job_log(log, "job.log"));
  EXPECT_EQ(shard.planned, std::vector<std::string>{"w/xfs/a"});
  EXPECT_EQ(shard.kernel_release, "6.12.117+deb12-amd64");
  ASSERT_EQ(shard.files.count("instances/w~xfs~a/instance.json"), 1u);
  EXPECT_EQ(shard.files["instances/w~xfs~a/instance.json"], good);
  EXPECT_EQ(shard.files.count("instances/w~xfs~a/dmesg.txt"), 0u);
  EXPECT_EQ(shard.files.count("instances/w~xfs~a/output.txt"), 0u);
  ASSERT_EQ(shard.damaged.size(), 3u);
  EXPECT_NE(shard.damaged[0].find("dmesg.txt"), std::string::npos);
  EXPECT_NE(shard.damaged[1].find("output.txt: its end line never came"), std::string::npos);
  EXPECT_NE(shard.damaged[2].find("not a path inside a run folder"), std::string::npos);
  EXPECT_TRUE(shard.finished);
}

TEST(LavaCollect, ALogWithoutPlanNamesLavasError) {
  std::string log = target("Booting from ROM...") +
                    "{\"dt\": \"t\", \"lvl\": \"results\", \"msg\": {\"case\": \"job\", \"definition\": \"lava\", "
                    "\"error_msg\": \"auto-login-action timed out after 120 seconds\", \"result\": \"fail\"}}\n";
  try {
    read_shard(parse_job_log(log, "boot.log"));
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("never reached its test (LAVA ended the job: auto-login-action timed out"),
              std::string::npos)
        << error.what();
  }
}

TEST(LavaCollect, RemembersWhatADyingGuestWasRunning) {
  std::string log = shard_log("1/1", {"w/xfs/a", "w/xfs/b"}) + target("# [1/2] running w/xfs/a") +
                    target("ok 1 w/xfs/a") + target("# [2/2] running w/xfs/b") +
                    target("[   93.1] Kernel panic - not syncing: Fatal exception");
  ShardRecord shard = read_shard(parse_job_log(log, "panic.log"));
  EXPECT_EQ(shard.last_running, "w/xfs/b");
  EXPECT_EQ(shard.panic_line, "[   93.1] Kernel panic - not syncing: Fatal exception");
  EXPECT_FALSE(shard.finished);
  ASSERT_EQ(shard.ktap_results.count("w/xfs/a"), 1u);
  EXPECT_TRUE(shard.ktap_results["w/xfs/a"].ok);
  // A panic right after a result, before the next "running" line reached
  // the console: the next planned instance was running.
  ShardRecord early = read_shard(parse_job_log(
      shard_log("1/1", {"w/xfs/a", "w/xfs/b", "w/xfs/c"}) + target("# [1/3] running w/xfs/a") +
          target("not ok 1 w/xfs/a") + target("[   26.9] Kernel panic - not syncing: sysrq triggered crash"),
      "early.log"));
  EXPECT_EQ(early.last_running, "w/xfs/b");
  // The guest reporter's hang verdict, and a runner that ended its boot.
  ShardRecord hung = read_shard(parse_job_log(
      shard_log("1/1", {"w/xfs/a", "w/xfs/b"}) + target("# [1/2] running w/xfs/a") +
          target(std::string(kLinePrefix) + "hung w/xfs/a 120") +
          target("# stopping this boot: a task is stuck in D state; 1 instance(s) left for a fresh boot"),
      "hung.log"));
  EXPECT_EQ(hung.hung, "w/xfs/a");
  EXPECT_EQ(hung.hung_budget_s, "120");
  EXPECT_EQ(hung.boot_stopped, "a task is stuck in D state; 1 instance(s) left for a fresh boot");
}

ShardRecord record(const std::string& path, const std::string& shard, std::vector<std::string> names,
                   const std::string& release = "6.12.117+deb12-amd64") {
  ShardRecord record = read_shard(parse_job_log(shard_log(shard, names), path));
  record.kernel_release = release;
  return record;
}

void expect_refused(const std::vector<ShardRecord>& shards, const std::string& words) {
  try {
    check_shard_set(shards);
    FAIL() << "accepted; expected: " << words;
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("fix: "), std::string::npos) << error.what();
  }
}

TEST(LavaCollect, ShardSetsMustBeWholeAndDisjoint) {
  auto one = record("1.log", "1/3", {"w/xfs/a"});
  auto two = record("2.log", "2/3", {"w/xfs/b"});
  auto three = record("3.log", "3/3", {"w/xfs/c"});
  EXPECT_NO_THROW(check_shard_set({one, two, three}));
  EXPECT_NO_THROW(check_shard_set({two}));  // one shard alone is its own run folder
  expect_refused({one, three}, "shard(s) 2/3 missing");
  expect_refused({one, two, record("2b.log", "2/3", {"w/xfs/d"}), three}, "shard 2/3 is given twice (2.log and 2b.log)");
  expect_refused({one, record("2.log", "2/3", {"w/xfs/a"}), three}, "instance w/xfs/a is in 1.log and in 2.log");
  expect_refused({one, record("2.log", "2/4", {"w/xfs/b"})}, "not shards of one set");
  expect_refused({one, record("2.log", "2/3", {"w/xfs/b"}, "6.1.0-57-amd64")}, "different kernels");
}

TEST(LavaJob, FillsTheTemplateAndRefusesUnknownKeys) {
  std::string text = fill_template("# @@NOT_A_KEY@@ in a comment stays\nname: @@NAME@@\nlist:\n  @@ITEMS@@\n",
                                   {{"NAME", yaml_quote("a \"b\"\n")}}, {{"ITEMS", {"-m 2G", "x"}}});
  EXPECT_EQ(text, "# @@NOT_A_KEY@@ in a comment stays\nname: \"a \\\"b\\\"\\n\"\nlist:\n  - \"-m 2G\"\n  - \"x\"\n");
  try {
    fill_template("a: 1\nb: @@TYPO@@\n", {}, {});
    FAIL();
  } catch (const SetupError& error) {
    EXPECT_NE(std::string(error.what()).find("line 2 names @@TYPO@@"), std::string::npos);
  }
}

TEST(LavaCollect, ARealJobLogBecomesARunFolder) {
  const std::string path = std::string(DAXTORTURE_SOURCE_DIR) + "/tests/data/lava/job-6.12-shard-1-of-2.log";
  JobLog log = parse_job_log(read_text_file(path).value(), path);
  EXPECT_EQ(log.job_result, "pass");
  EXPECT_EQ(log.unreadable_lines, 0u);
  EXPECT_GT(log.action_seconds["apply-overlay-guest"], 0);
  ShardRecord shard = read_shard(log);
  EXPECT_EQ(shard.shard, "1/2");
  EXPECT_TRUE(shard.finished);
  EXPECT_TRUE(shard.damaged.empty());
  EXPECT_EQ(shard.planned, (std::vector<std::string>{"pin_matrix_sample/xfs/dio_read.truncate.mapped.4k",
                                                     "pin_matrix_sample/xfs/uring_write.unlink.closed.4k"}));
  const std::string out = std::filesystem::temp_directory_path() / ("lava-collect-" + std::to_string(getpid()));
  std::filesystem::remove_all(out);
  // The failing cell is a known failure of 6.12: exit status 0.
  EXPECT_EQ(collect_main({path}, out, std::string(DAXTORTURE_SOURCE_DIR) + "/vm-configs/expectations", ""), 0);
  RunResult run = load_run(out);
  ASSERT_EQ(run.instances.size(), 2u);
  EXPECT_EQ(run.instances[0].status, Status::pass);
  EXPECT_EQ(run.instances[1].status, Status::fail);
  EXPECT_EQ(run.instances[1].expectation, Expectation::known_failure);
  EXPECT_FALSE(run.instances[1].failures.empty());
  EXPECT_EQ(run.info.kernel_release, "6.12.117+deb12-amd64");
  for (const char* file : {"report.html", "junit.xml", "kcidb.json", "results.ktap", "console.log",
                           "instances/pin_matrix_sample~xfs~uring_write.unlink.closed.4k/dmesg.txt"})
    EXPECT_TRUE(std::filesystem::exists(out + "/" + file)) << file;
  // A second collection into the same folder is refused: nothing is overwritten.
  EXPECT_THROW(collect_main({path}, out, "", ""), UsageError);
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace dt::lava
