#include "runners/cli/report_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"
#include "reports/findings_table.h"
#include "reports/history_html.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/kcidb.h"
#include "reports/ktap.h"
#include "runners/results/expectations.h"
#include "runners/results/report_files.h"
#include "runners/results/results_store.h"

namespace dt {

namespace fs = std::filesystem;

const char* const kReportHelp = R"(usage: daxtorture report [OPTIONS] RUN_DIR...
       daxtorture report --history DIR [-o FILE]

Reads the run.json of each run folder and writes one HTML page that shows
the runs side by side: first what needs action (new failures, then known
failures an expectations file lists that now pass), then the pin matrix as
grids, known failures, the kernel fixes the failing workloads guard, every
instance per run, durations. Evidence files are links relative to the page.

With --history, DIR holds run folders (nightly runs); the page has their
verdicts as a grid of instances by run, oldest first, with each instance's
first failing and last passing run, the run durations and, for folders with
a bench.json, the fault latency (p50, p99) per fault size over time.

options:
  -o, --output FILE   where the HTML goes (default: stdout; links are then
                      relative to the current folder)
  --junit FILE        also write all runs as one JUnit XML file (one suite
                      per run)
  --kcidb FILE        also write the (single) run as KCIDB v5.3 JSON
  --artifacts-url URL with --kcidb: where the run folder is published
                      (default: file:// URLs of the run folder)
  --ktap FILE         also write the (single) run as one KTAP document, with
                      the known-failure lines (reports/ktap.h)
  --expectations PATH judge the runs again against a .expect file or a
                      folder of them (e.g. vm-configs/expectations), as
                      'daxtorture vm' does: failures the files know become
                      known, listed failures that passed become fixed
  --markdown FILE     also write a Markdown table per run: instance, verdict,
                      the layout change's wait, the first evidence
  --known-failures FILE
                      also write the failures of the (single) run as a
                      known-failures file, to review and put under
                      vm-configs/expectations/
  --history DIR       the history page over the run folders in DIR

exit status: 0 when the page was written, 2 for a usage error or a run
folder that cannot be read (the message names it).
)";

namespace {

// The run folder as seen from the folder the page is written into.
std::string link_prefix(const std::string& run_dir, const std::string& output) {
  const fs::path page_dir = output.empty() ? fs::current_path() : fs::absolute(output).parent_path();
  std::string prefix = fs::absolute(run_dir).lexically_normal().lexically_relative(page_dir).string();
  if (prefix.empty() || prefix == ".") return "";
  return prefix + "/";
}

void rejudge(const std::string& path, RunResult& run) {
  std::vector<ExpectationFile> files =
      fs::is_directory(path) ? expectations_for(path, run.info.kernel_release)
                             : std::vector<ExpectationFile>{load_expectations(path)};
  apply_expectations(files, run);
}

void write_output(const std::string& output, const std::string& page) {
  if (output.empty()) std::cout << page;
  else write_file_atomically(output, page);
}

int history_main(const std::string& dir, const std::string& output) {
  if (!fs::is_directory(dir))
    throw UsageError("--history " + dir + ": not a folder; fix: name the folder that holds the "
                     "run folders (results/)");
  std::vector<reports::HistoryRun> history;
  std::vector<RunResult> runs;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() &&
        (fs::exists(entry.path() / "run.json") || fs::exists(entry.path() / "bench.json")))
      folders.push_back(entry.path());
  if (folders.empty())
    throw UsageError("--history " + dir + ": no run folder (with run.json or bench.json) in it; "
                     "fix: name the folder 'daxtorture vm --results' wrote into");
  runs.reserve(folders.size());
  for (const auto& folder : folders) {
    reports::HistoryRun entry;
    entry.folder = folder.filename();
    entry.link_prefix = link_prefix(folder, output);
    if (fs::exists(folder / "run.json")) {
      runs.push_back(load_run(folder));
      entry.run = &runs.back();
    }
    if (fs::exists(folder / "bench.json")) {
      try {
        entry.bench = reports::load_bench_json(folder / "bench.json");
      } catch (const std::exception& error) {
        throw UsageError(std::string(error.what()) + "; fix: remove or repair " +
                         (folder / "bench.json").string());
      }
    }
    history.push_back(std::move(entry));
  }
  std::ostringstream page;
  reports::write_history_html(page, history, "daxtorture history: " + fs::path(dir).filename().string());
  write_output(output, page.str());
  return 0;
}

struct ReportOptions {
  std::string output, junit, markdown, known_failures, kcidb, ktap, artifacts_url, expectations, history;
  std::vector<std::string> run_dirs;
};

ReportOptions parse_report_options(Args& args) {
  ReportOptions o;
  while (!args.done()) {
    if (auto option = args.option()) {
      if (*option == "-o" || *option == "--output") o.output = args.value(*option);
      else if (*option == "--junit") o.junit = args.value(*option);
      else if (*option == "--markdown") o.markdown = args.value(*option);
      else if (*option == "--known-failures") o.known_failures = args.value(*option);
      else if (*option == "--kcidb") o.kcidb = args.value(*option);
      else if (*option == "--ktap") o.ktap = args.value(*option);
      else if (*option == "--artifacts-url") o.artifacts_url = args.value(*option);
      else if (*option == "--expectations") o.expectations = args.value(*option);
      else if (*option == "--history") o.history = args.value(*option);
      else unknown_option("report", *option);
    } else {
      o.run_dirs.push_back(args.positional());
    }
  }
  return o;
}

// JUnit, KCIDB, KTAP, Markdown and known failures, each when asked for.
void write_other_reports(const ReportOptions& o, const std::vector<RunResult>& runs) {
  if (!o.junit.empty()) {
    std::ostringstream xml;
    reports::write_junit(xml, runs);
    write_file_atomically(o.junit, xml.str());
  }
  if (!o.kcidb.empty())
    write_file_atomically(o.kcidb, reports::to_kcidb(runs.front(), kcidb_options_for(o.run_dirs.front(), runs.front(),
                                                                                   o.artifacts_url)).dump(2) + "\n");
  if (!o.ktap.empty()) {
    std::ostringstream text;
    reports::write_ktap_document(text, runs.front());
    write_file_atomically(o.ktap, text.str());
  }
  if (!o.markdown.empty()) {
    std::ostringstream table;
    for (const auto& run : runs) {
      table << "### " << run.info.kernel_release << " (" << run.info.run_id << ")\n\n";
      reports::write_markdown_table(table, run);
      table << "\n";
    }
    write_file_atomically(o.markdown, table.str());
  }
  if (!o.known_failures.empty()) {
    std::ostringstream text;
    reports::write_known_failures(text, runs.front());
    write_file_atomically(o.known_failures, text.str());
  }
}
}  // namespace

int report_main(Args& args) {
  ReportOptions o = parse_report_options(args);
  if (!o.history.empty()) {
    if (!o.run_dirs.empty())
      throw UsageError("--history takes the folder of runs, not run folders as well; fix: drop " +
                       o.run_dirs.front());
    return history_main(o.history, o.output);
  }
  if (o.run_dirs.empty()) throw UsageError("name at least one run folder (results/RUN_ID)");
  for (const auto& [option, value] :
       {std::pair<const char*, std::string>{"--known-failures", o.known_failures},
        {"--kcidb", o.kcidb},
        {"--ktap", o.ktap}})
    if (!value.empty() && o.run_dirs.size() != 1)
      throw UsageError(std::string(option) + " describes one run: name exactly one run folder");
  // Each run is kept where it is: the pages point into these.
  std::vector<RunResult> runs;
  runs.reserve(o.run_dirs.size());
  for (const auto& dir : o.run_dirs) {
    runs.push_back(load_run(dir));
    if (!o.expectations.empty()) rejudge(o.expectations, runs.back());
  }

  std::vector<reports::HtmlRun> pages;
  for (size_t i = 0; i < runs.size(); ++i)
    pages.push_back(html_run_for(o.run_dirs[i], runs[i], link_prefix(o.run_dirs[i], o.output)));
  std::ostringstream html;
  std::string title = "daxtorture: ";
  for (size_t i = 0; i < runs.size(); ++i)
    title += (i ? " vs " : "") + runs[i].info.kernel_release;
  reports::write_html(html, pages, title);
  write_output(o.output, html.str());
  write_other_reports(o, runs);
  return 0;
}

}  // namespace dt
