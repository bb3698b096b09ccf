// Writes the human and machine reports of a finished run next to run.json:
// report.html, junit.xml, kcidb.json and results.ktap (the whole run as one
// KTAP document, with the known-failure lines; reports/ktap.h).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "reports/html.h"
#include "reports/kcidb.h"
#include "runners/results/expectations.h"

namespace dt {

// artifacts_url: where the run folder is published ("https://ci/runs/ID/");
// empty: log_url and output_files point at the folder itself (file://).
void write_report_files(const std::string& run_dir, const RunResult& run,
                        const std::string& artifacts_url = "");

// KCIDB options for a run folder: its files listed, URLs under artifacts_url
// (a "/" is added when missing), or file:// URLs of run_dir when empty.
reports::KcidbOptions kcidb_options_for(const std::string& run_dir, const RunResult& run,
                                        const std::string& artifacts_url);

// A run with its evidence read from run_dir for the HTML page: each failing
// instance's dmesg.txt, and the files its folder has. link_prefix is the
// run folder's path as seen from where the page is written ("" beside it).
reports::HtmlRun html_run_for(const std::string& run_dir, const RunResult& run,
                              const std::string& link_prefix);

// The known-failure diagnostic for a result line streamed live from a guest
// (its name and status read back from KTAP): "known failure: note (file)",
// "fixed: ...", "new failure" or "".
std::string live_expectation_line(const std::vector<ExpectationFile>& files,
                                  const std::string& name, Status status);

}  // namespace dt
