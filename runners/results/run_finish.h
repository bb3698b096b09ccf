// Finishing a run on the host, the same for every command that gathers one
// ('vm', 'lava --collect'; 'bisect' judges each step by the exit status of
// the 'vm' it runs): which expectation files apply, the run judged by them,
// run.json and the reports written, the closing counts, the exit status.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "runners/results/expectations.h"

namespace dt {

// The expectation files at `path` (a file, or a folder of them) that cover
// `release`. A single file that does not cover it is reported on stderr
// (as "COMMAND: PATH does not cover kernel RELEASE; ignored"), not used.
std::vector<ExpectationFile> expectations_covering(const std::string& path, const std::string& release,
                                                   const std::string& command);

// Applies `expectations` to `run`, records which files judged it, saves
// run.json and writes the reports (report.html, results.ktap, junit, kcidb).
void finish_run(const std::string& run_dir, RunResult& run, const std::vector<ExpectationFile>& expectations,
                const std::string& artifacts_url);

// "3 PASS, 1 FAIL, 0 SKIP, 0 BROKEN, 0 TIMEOUT, 0 CRASH": every status by
// its name, in the order of core/result.h.
std::string status_counts(const RunResult& run);

// The instances an expectation judged, one line each on stderr.
void print_expectation_summary(const RunResult& run, const std::string& command);

// 1 when the run failed: with expectations, only a new failure counts;
// without, any failing instance. 0 otherwise.
int run_exit_status(const RunResult& run, const std::vector<ExpectationFile>& expectations);

}  // namespace dt
