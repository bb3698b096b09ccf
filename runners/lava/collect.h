// 'daxtorture lava --collect': finished LAVA job logs back into one run
// folder. Each log's console carries its shard's plan and files
// (runners/wire/lava_console.h); LAVA's own test cases are checked
// against them. The reports are written by runners/results/report_files.h, so a
// farm's run folder reads like a local 'daxtorture vm' one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reports/ktap.h"
#include "runners/lava/job_log.h"

namespace dt::lava {

// What one job's console held.
struct ShardRecord {
  std::string log_path;
  std::string shard = "1/1";             // "K/N"
  int index = 1, count = 1;
  std::string selection;                 // lava_console.h's selection_key
  std::string run_id;
  std::string kernel_release;
  std::vector<std::string> planned;      // instance names, in run order
  std::map<std::string, std::string> files;  // relative path -> bytes, those that arrived intact
  std::vector<std::string> damaged;      // "PATH: why", never used
  bool finished = false;                 // the guest runner's "finished" line came
  // The runner's KTAP results as the console shows them: the verdict of an
  // instance whose files never reached the log (the guest died while they
  // were being printed).
  std::map<std::string, reports::KtapResult> ktap_results;
  // The instance running when the console ends: the last "running" line
  // without a result, else the first planned instance without one.
  std::string last_running;
  std::string panic_line;                // "Kernel panic - not syncing: ..." when the console has one
  std::string hung;                      // the instance the guest reporter found hung
  std::string hung_budget_s;
  std::string boot_stopped;              // the runner's "stopping this boot: REASON"
  int runner_status = -1;
};

// Reads the plan and files from a parsed log. Throws UsageError when the
// log holds no daxtorture plan (the job never reached its test).
ShardRecord read_shard(const JobLog& log);

// Refuses logs that do not make one run: different kernels or selections,
// a shard twice, an instance in two logs, a set with parts missing. The
// message names the logs and the fix.
void check_shard_set(const std::vector<ShardRecord>& shards);

int collect_main(const std::vector<std::string>& log_paths, const std::string& out,
                 const std::string& expectations, const std::string& artifacts_url);

}  // namespace dt::lava
