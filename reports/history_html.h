// `daxtorture report --history DIR`: one page over a folder of nightly runs.
//
//   headline   the newest run's new / fixed / known / passed counts and what
//              changed since the run before it;
//   grid       instances × runs, oldest run first; an instance that failed
//              in some run comes first, with its first failing run (the
//              start of its current failing streak) and last passing run;
//              instances that passed every time are folded into one line;
//              each failing cell links to its card in that run's report.html;
//   durations  the runs' durations over time (SVG);
//   latency    for runs with a bench.json: write-fault p50 (solid) and p99
//              (dashed) per fault size over time (SVG, logarithmic).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "reports/bench_json.h"

namespace dt::reports {

struct HistoryRun {
  std::string folder;        // the run folder's name, shown and linked
  std::string link_prefix;   // that folder as seen from the page, ending in "/"
  const RunResult* run = nullptr;   // run.json, when the folder has one
  std::optional<BenchFile> bench;   // bench.json, when the folder has one
};

// Runs are shown oldest first, by start time (bench context date, else
// folder name, for a folder without run.json).
void write_history_html(std::ostream& out, std::vector<HistoryRun> runs, std::string_view title);

}  // namespace dt::reports
