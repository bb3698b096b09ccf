#include "runners/cli/report_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"
#include "reports/findings_table.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "runners/results_store.h"

namespace dt {

const char* const kReportHelp = R"(usage: daxtorture report [OPTIONS] RUN_DIR...

Reads the run.json of each run folder and writes one HTML page that shows
the runs side by side: per instance, its verdict on each kernel, with the
failures, kernel messages and durations.

options:
  -o, --output FILE   where the HTML goes (default: stdout)
  --junit FILE        also write all runs as one JUnit XML file
  --markdown FILE     also write a Markdown table per run: instance, verdict,
                      the layout change's wait, the first evidence
  --known-failures FILE
                      also write the failures of the (single) run as a
                      known-failures file, to review and put under
                      vm-configs/expectations/
)";

int report_main(Args& args) {
  std::string output, junit, markdown, known_failures;
  std::vector<std::string> run_dirs;
  while (!args.done()) {
    if (auto option = args.option()) {
      if (*option == "-o" || *option == "--output") output = args.value(*option);
      else if (*option == "--junit") junit = args.value(*option);
      else if (*option == "--markdown") markdown = args.value(*option);
      else if (*option == "--known-failures") known_failures = args.value(*option);
      else unknown_option("report", *option);
    } else {
      run_dirs.push_back(args.positional());
    }
  }
  if (run_dirs.empty()) throw UsageError("name at least one run folder (results/RUN_ID)");
  if (!known_failures.empty() && run_dirs.size() != 1)
    throw UsageError("--known-failures describes one kernel: name exactly one run folder");
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
  if (!markdown.empty()) {
    std::ostringstream table;
    for (const auto& run : runs) {
      table << "### " << run.info.kernel_release << " (" << run.info.run_id << ")\n\n";
      reports::write_markdown_table(table, run);
      table << "\n";
    }
    write_file_atomically(markdown, table.str());
  }
  if (!known_failures.empty()) {
    std::ostringstream text;
    reports::write_known_failures(text, runs.front());
    write_file_atomically(known_failures, text.str());
  }
  return 0;
}

}  // namespace dt
