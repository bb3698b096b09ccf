#include "runners/cli/report_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "runners/results_store.h"

namespace dt {

const char* const kReportHelp = R"(usage: daxtorture report [-o FILE] [--junit FILE] RUN_DIR...

Reads the run.json of each run folder and writes one HTML page that shows
the runs side by side: per instance, its verdict on each kernel, with the
failures, kernel messages and durations.

options:
  -o, --output FILE   where the HTML goes (default: stdout)
  --junit FILE        also write all runs as one JUnit XML file
)";

int report_main(Args& args) {
  std::string output, junit;
  std::vector<std::string> run_dirs;
  while (!args.done()) {
    if (auto option = args.option()) {
      if (*option == "-o" || *option == "--output") output = args.value(*option);
      else if (*option == "--junit") junit = args.value(*option);
      else unknown_option("report", *option);
    } else {
      run_dirs.push_back(args.positional());
    }
  }
  if (run_dirs.empty()) throw UsageError("name at least one run folder (results/RUN_ID)");
  std::vector<RunResult> runs;
  for (const auto& dir : run_dirs) runs.push_back(load_run(dir));

  std::ostringstream html;
  reports::write_html(html, runs, "daxtorture: " + std::to_string(runs.size()) + " run(s)");
  if (output.empty()) std::cout << html.str();
  else write_file_atomically(output, html.str());
  if (!junit.empty()) {
    std::ostringstream xml;
    reports::write_junit(xml, runs);
    write_file_atomically(junit, xml.str());
  }
  return 0;
}

}  // namespace dt
