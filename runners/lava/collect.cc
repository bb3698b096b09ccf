#include "runners/lava/collect.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"
#include "core/sha256.h"
#include "runners/results/expectations.h"
#include "runners/wire/lava_console.h"
#include "runners/results/report_files.h"
#include "runners/results/guest_death.h"
#include "runners/results/guest_record.h"
#include "runners/results/results_store.h"
#include "runners/results/run_finish.h"
#include "runners/wire/guest_wire.h"

namespace fs = std::filesystem;

namespace dt::lava {

namespace {
// A file being received: its header, and the base64 lines so far.
struct OpenFile {
  std::string path;
  size_t bytes = 0;
  std::string sha256;
  std::string data;
  bool bad_line = false;
};

void close_file(ShardRecord& shard, OpenFile& file) {
  auto bytes = file.bad_line ? std::nullopt : base64_decode(file.data);
  if (!bytes) shard.damaged.push_back(file.path + ": a line of it is not base64 (a console message inside it?)");
  else if (bytes->size() != file.bytes || sha256_hex(*bytes) != file.sha256)
    shard.damaged.push_back(file.path + ": " + std::to_string(bytes->size()) + " bytes arrived, its sha256 does "
                            "not match the guest's");
  else shard.files[file.path] = *bytes;
}

bool safe_relative_path(const std::string& path) {
  fs::path p(path);
  if (p.is_absolute() || path.empty()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return path == "run.json" || path.rfind("instances/", 0) == 0;
}

std::string lava_verdict(Status status) {
  return status == Status::pass ? "pass" : status == Status::skip ? "skip" : "fail";
}

InstanceResult without_verdict(const std::string& name, const std::string& reason) {
  InstanceResult result;
  result.name = name;
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(name.substr(0, name.find('#')));
  while (std::getline(in, part, '/')) parts.push_back(part);
  if (parts.size() > 0) result.workload = parts[0];
  if (parts.size() > 1) result.fs = parts[1];
  if (parts.size() > 2) result.variant = parts[2];
  result.status = Status::broken;
  result.reason = reason;
  result.artifacts = instance_folder(name);
  return result;
}

std::string job_ending(const JobLog& log) {
  if (log.job_result.empty()) return "the log stops before LAVA's job result: cut off, or the job still runs";
  if (log.job_result == "pass") return "LAVA finished the job";
  return "LAVA ended the job: " + (log.job_error.empty() ? std::string("failed") : log.job_error);
}

// The instance a guest was running when its job ended, judged as 'daxtorture
// vm' judges it: CRASH after a panic, TIMEOUT when LAVA's timeout ended a
// guest that had stopped reporting; else it stays without a verdict.
void guest_fate(const ShardRecord& shard, const JobLog& log, InstanceResult& instance) {
  GuestDeath death;
  death.kernel_panic = !shard.panic_line.empty();
  death.hung = log.job_error.find("timed out") != std::string::npos;
  if (!death.kernel_panic && !death.hung) return;  // the job ended for a reason of LAVA's
  instance.status = dead_guest_status(death);
  instance.reason = death.kernel_panic
                        ? "guest kernel panic while this instance ran: " + shard.panic_line + " (see console.log)"
                        : "LAVA's timeout ended the job while this instance ran (" + log.job_error +
                              "): a hung guest; see console.log";
}

// LAVA's phases: the test overlay (libguestfs), QEMU to the shell prompt,
// the test shell; from the durations LAVA logs for its actions.
std::string phase_summary(const JobLog& log) {
  auto seconds = [&](const std::string& action) {
    auto it = log.action_seconds.find(action);
    return it == log.action_seconds.end() ? std::string("?") : std::to_string(static_cast<long>(std::lround(it->second)));
  };
  double test = 0;
  for (const auto& [action, value] : log.action_seconds)
    if (action.size() > 2 && action.find("_daxtorture") != std::string::npos) test += value;
  return "download " + seconds("file-download") + " s, overlay " + seconds("apply-overlay-guest") + " s, boot " +
         seconds("login-action") + " s, test " + std::to_string(static_cast<long>(std::lround(test))) + " s";
}
// One line of the LAVA protocol into the shard's record; `open` is the
// file being received.
void read_lava_event(const LavaLine& line, ShardRecord& shard, bool& planned, std::optional<OpenFile>& open) {
  using Kind = LavaLine::Kind;
  switch (line.kind) {
    case Kind::chunk:
      if (!open) return;
      if (line.chunk.size() % 4 != 0) open->bad_line = true;
      open->data += line.chunk;
      return;
    case Kind::plan:
      if (planned) return;
      planned = true;
      shard.shard = line.shard;
      if (sscanf(line.shard.c_str(), "%d/%d", &shard.index, &shard.count) != 2) shard.index = shard.count = 1;
      shard.selection = line.selection;
      shard.run_id = line.run_id;
      shard.kernel_release = line.release;
      return;
    case Kind::planned: shard.planned.push_back(line.name); return;
    case Kind::file:
      if (open) shard.damaged.push_back(open->path + ": its end line never came");
      open = OpenFile{line.path, 0, line.sha256, "", false};
      try {
        open->bytes = std::stoul(line.bytes);
      } catch (const std::exception&) {
        open->bad_line = true;
      }
      if (!safe_relative_path(open->path)) {
        shard.damaged.push_back(open->path + ": not a path inside a run folder");
        open.reset();
      }
      return;
    case Kind::end:
      if (open && open->path == line.path) close_file(shard, *open);
      else if (open) shard.damaged.push_back(open->path + ": its end line never came");
      open.reset();
      return;
    case Kind::hung:
      shard.hung = line.name;
      shard.hung_budget_s = line.budget_s;
      return;
    case Kind::finished:
      shard.finished = true;
      shard.runner_status = line.exit_status;
      return;
  }
}
}  // namespace

ShardRecord read_shard(const JobLog& log) {
  ShardRecord shard;
  shard.log_path = log.path;
  bool planned = false;
  std::optional<OpenFile> open;
  reports::KtapReader ktap;
  for (const auto& console_line : log.console) {
    // The runner's KTAP reaches the console through the guest reporter:
    // its running line names the instance a dying guest was running.
    wire::RunnerEvent event = wire::read_runner_event(ktap.feed_line(console_line));
    if (event.kind == wire::RunnerEvent::Kind::result) {
      shard.ktap_results[event.name] = event.result;
      if (event.name == shard.last_running) shard.last_running.clear();
    }
    if (event.kind == wire::RunnerEvent::Kind::running) shard.last_running = event.name;
    if (event.kind == wire::RunnerEvent::Kind::stopping_boot) shard.boot_stopped = event.reason;
    if (wire::read_console_line(console_line).kind == wire::ConsoleEvent::Kind::kernel_panic &&
        shard.panic_line.empty())
      shard.panic_line = console_line;
    std::optional<LavaLine> line = read_lava_line(console_line);
    if (line) read_lava_event(*line, shard, planned, open);
  }
  if (open) shard.damaged.push_back(open->path + ": the log ends inside it");
  if (shard.last_running.empty() && !shard.finished)
    for (const auto& name : shard.planned)
      if (!shard.ktap_results.count(name)) {
        shard.last_running = name;
        break;
      }
  if (!planned)
    throw UsageError(log.path + " is a LAVA job log, but its console has no daxtorture plan: the job never "
                     "reached its test (" + job_ending(log) + "); fix: read the log for the cause, then resubmit "
                     "the job");
  return shard;
}

void check_shard_set(const std::vector<ShardRecord>& shards) {
  const ShardRecord& first = shards.front();
  std::map<int, std::string> seen;
  std::map<std::string, std::string> owner;
  for (const auto& shard : shards) {
    if (shard.kernel_release != first.kernel_release)
      throw UsageError("the logs are of different kernels (" + first.kernel_release + " in " + first.log_path +
                       ", " + shard.kernel_release + " in " + shard.log_path + "); fix: collect each kernel's "
                       "logs into a run folder of its own");
    if (shard.selection != first.selection || shard.count != first.count)
      throw UsageError("the logs are not shards of one set (" + first.log_path + ": shard " + first.shard + ", " +
                       shard.log_path + ": shard " + shard.shard + ", " +
                       (shard.selection != first.selection ? "different selections" : "different N") +
                       "); fix: collect logs of jobs written by one 'daxtorture lava' command");
    auto twice = seen.find(shard.index);
    if (twice != seen.end())
      throw UsageError("shard " + shard.shard + " is given twice (" + twice->second + " and " + shard.log_path +
                       "): shards overlap; fix: pass one log per shard");
    seen[shard.index] = shard.log_path;
    for (const auto& name : shard.planned) {
      auto other = owner.find(name);
      if (other != owner.end())
        throw UsageError("instance " + name + " is in " + other->second + " and in " + shard.log_path +
                         ": the shards overlap; fix: collect logs of jobs written by one 'daxtorture lava' command");
      owner[name] = shard.log_path;
    }
  }
  if (shards.size() > 1) {
    std::string missing;
    for (int k = 1; k <= first.count; ++k)
      if (!seen.count(k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(first.count);
    if (!missing.empty())
      throw UsageError("shard(s) " + missing + " missing: the logs given miss those instances; fix: add their "
                       "logs, or collect each log into a run folder of its own");
  }
}

namespace {
// Counts over one shard's instances.
struct ShardCounts {
  size_t missing = 0;     // no verdict of their own
  size_t mismatched = 0;  // instance.json and LAVA's result disagree
};

// The verdict of instance `name` of `shard`, from the best that reached the
// log: its instance.json, else its KTAP line, else the hang the guest
// reported, else LAVA's result, else none (with the guest's fate when it
// was the instance running at the end).
InstanceResult shard_instance(const ShardRecord& shard, const JobLog& log, const std::map<std::string, LavaCase>& cases,
                              const std::string& name, const std::string& run_dir, ShardCounts& counts) {
  const std::string folder = instance_folder(name);
  auto file = shard.files.find(folder + "/instance.json");
  auto lava_case = cases.find(case_name(name));
  InstanceResult instance;
  bool have = false;
  if (file != shard.files.end()) {
    std::string problem;
    if (auto record = parse_instance_record(file->second, problem)) {
      instance = *record;
      have = true;
    } else {
      std::cerr << "daxtorture lava: " << shard.log_path << ": " << folder << "/instance.json unreadable ("
                << problem << ")\n";
    }
  }
  if (have && lava_case != cases.end() && lava_case->second.result != lava_verdict(instance.status)) {
    ++counts.mismatched;
    std::cerr << "daxtorture lava: " << shard.log_path << ": " << name << " is " << status_name(instance.status)
              << " in its instance.json but '" << lava_case->second.result << "' in LAVA's results\n";
  }
  auto ktap_line = shard.ktap_results.find(name);
  if (!have && ktap_line != shard.ktap_results.end()) {
    // The runner's verdict reached the console; its files did not.
    instance = without_verdict(name, "");
    instance.status = reports::ktap_status(ktap_line->second);
    instance.reason = ktap_line->second.reason;
    instance.notes = ktap_line->second.diagnostics;
    instance.notes.push_back("verdict from the console's KTAP line: the instance's files did not reach " +
                             shard.log_path + " (the guest stopped while they were printed)");
    have = true;
  }
  if (!have && name == shard.hung) {
    instance = without_verdict(name, "");
    instance.status = dead_guest_status({false, true, false});
    instance.reason = "the guest was hung (no result " + shard.hung_budget_s +
                      " s after the instance started): its runner was killed after a sysrq task dump "
                      "(in console.log)";
    have = true;
  }
  if (!have && lava_case != cases.end() && lava_case->second.result != "unknown") {
    // LAVA saw the verdict but the files did not arrive intact.
    instance = without_verdict(name, "");
    instance.status = lava_case->second.result == "pass"   ? Status::pass
                      : lava_case->second.result == "skip" ? Status::skip
                                                           : Status::fail;
    instance.reason = "only LAVA's verdict arrived: the instance's files were damaged in " + shard.log_path;
    have = true;
  }
  if (!have) {
    ++counts.missing;
    std::string why = !shard.hung.empty()
                          ? shard.hung + " hung the guest before this instance ran"
                      : !shard.boot_stopped.empty()
                          ? "the guest runner stopped this boot: " + shard.boot_stopped
                          : "the LAVA job ended before this instance finished (" + job_ending(log) + ")";
    instance = without_verdict(name, "no verdict: " + why + "; a LAVA job is one boot, resubmit it for the rest");
    if (name == shard.last_running) {
      guest_fate(shard, log, instance);
      if (instance.status != Status::broken)
        std::cerr << "daxtorture lava: " << shard.log_path << ": " << name << " was running when the job ended: "
                  << status_name(instance.status) << " (" << instance.reason << ")\n";
    }
    make_directories(run_dir + "/" + instance.artifacts);
  }
  return instance;
}

// One shard into the run folder: its files, its console, its instances.
void collect_shard(const ShardRecord& shard, const JobLog& log, const std::string& run_dir, RunResult& run,
                   std::string& consoles, size_t& no_verdict, size_t& mismatched, size_t& damaged) {
  for (const auto& [path, bytes] : shard.files)
    if (path != "run.json") {
      make_directories(fs::path(run_dir + "/" + path).parent_path());
      write_text_file(run_dir + "/" + path, bytes);
    }
  consoles += "# shard " + shard.shard + " from " + shard.log_path + "\n";
  for (const auto& line : log.console) consoles += line + "\n";
  // The run's description from the shard's last run.json (the first
  // shard's for the whole set); its instances come from instance.json.
  auto run_json = shard.files.find("run.json");
  if (run_json != shard.files.end() && run.info.started_at.empty()) {
    std::string problem;
    if (auto description = parse_run_description(run_json->second, problem)) {
      description->run_id = run.info.run_id;
      run.info = *description;
    } else {
      std::cerr << "daxtorture lava: " << shard.log_path << ": run.json unreadable (" << problem
                << "); the run's description is rebuilt from the plan\n";
    }
  }
  std::map<std::string, LavaCase> cases;
  for (const auto& lava_case : log.cases)
    if (lava_case.definition != "lava") cases[lava_case.name] = lava_case;
  ShardCounts counts;
  for (const auto& name : shard.planned) {
    InstanceResult instance = shard_instance(shard, log, cases, name, run_dir, counts);
    save_instance(run_dir, instance);
    run.instances.push_back(instance);
  }
  for (const auto& problem : shard.damaged) {
    ++damaged;
    std::cerr << "daxtorture lava: " << shard.log_path << ": damaged in the log, not used: " << problem << "\n";
  }
  if (counts.missing > 0)
    std::cerr << "daxtorture lava: " << shard.log_path << " (shard " << shard.shard << ") ends before "
              << counts.missing << " of its " << shard.planned.size() << " instances finished (" << job_ending(log)
              << "): they have no verdict of their own; the " << shard.planned.size() - counts.missing
              << " finished are kept; fix: run those again (resubmit the job)\n";
  no_verdict += counts.missing;
  mismatched += counts.mismatched;
}

// Where the shards came from, in run.json.
void record_shards(const std::vector<ShardRecord>& shards, const std::vector<JobLog>& logs,
                   const std::vector<size_t>& order, size_t no_verdict, size_t damaged, RunResult& run) {
  auto& env = run.info.environment;
  env["lava_job_logs"] = "";
  env["lava_shards"] = "";
  for (size_t i : order) {
    const ShardRecord& shard = shards[i];
    env["lava_job_logs"] += (env["lava_job_logs"].empty() ? "" : " ") + fs::absolute(shard.log_path).string();
    env["lava_shards"] += (env["lava_shards"].empty() ? "" : " ") + shard.shard;
    const std::string key = "lava_shard_" + std::to_string(shard.index) + "_of_" + std::to_string(shard.count);
    env[key + "_job"] = logs[i].job_result.empty() ? "no result" : logs[i].job_result;
    env[key + "_phases"] = phase_summary(logs[i]);
  }
  env["lava_instances_without_verdict"] = std::to_string(no_verdict);
  env["lava_damaged_files"] = std::to_string(damaged);
  if (run.info.machine.empty()) run.info.machine = "lava";
  if (run.info.finished_at.empty()) run.info.finished_at = utc_timestamp();
}
}  // namespace

int collect_main(const std::vector<std::string>& log_paths, const std::string& out,
                 const std::string& expectations_path, const std::string& artifacts_url) {
  std::vector<JobLog> logs;
  std::vector<ShardRecord> shards;
  for (const auto& path : log_paths) {
    auto text = read_text_file(path);
    if (!text) throw UsageError("cannot read the job log " + path + "; fix: give the path of a saved LAVA job log");
    logs.push_back(parse_job_log(*text, path));
    shards.push_back(read_shard(logs.back()));
  }
  check_shard_set(shards);
  std::vector<size_t> order(shards.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return shards[a].index < shards[b].index; });

  const ShardRecord& first = shards[order.front()];
  const std::string run_dir = out.empty() ? "results/" + first.run_id +
                                                (shards.size() == 1 && first.count > 1
                                                     ? "-shard-" + std::to_string(first.index) + "-of-" +
                                                           std::to_string(first.count)
                                                     : "")
                                          : out;
  if (fs::exists(run_dir + "/run.json"))
    throw UsageError(run_dir + " already holds a run; fix: --out NEW_FOLDER, or remove it first");
  prepare_results_dir(run_dir);

  RunResult run;
  run.info.run_id = first.run_id;
  run.info.kernel_release = first.kernel_release;
  std::string consoles;
  size_t no_verdict = 0, mismatched = 0, damaged = 0;
  for (size_t i : order) collect_shard(shards[i], logs[i], run_dir, run, consoles, no_verdict, mismatched, damaged);
  write_text_file(run_dir + "/console.log", consoles);
  record_shards(shards, logs, order, no_verdict, damaged, run);
  std::vector<ExpectationFile> expectations =
      expectations_covering(expectations_path, run.info.kernel_release, "lava");
  finish_run(run_dir, run, expectations, artifacts_url);

  std::cerr << "daxtorture lava: " << run.instances.size() << " instances from " << shards.size() << " log(s): "
            << status_counts(run) << "; report: " << run_dir << "/report.html\n";
  print_expectation_summary(run, "lava");
  if (mismatched > 0) return 1;
  if (no_verdict > 0) return 1;
  return run_exit_status(run, expectations);
}

}  // namespace dt::lava
