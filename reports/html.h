// One self-contained HTML page for one or more runs: no script, no external
// style sheet or font; evidence files are links relative to where the page
// is written, so the page works beside its run folders or copied with them.
//
// Top to bottom, in the order a nightly reader needs it:
//   headline     per run: new failures / fixed / known / passed / skipped,
//                coloured by what they ask (red: act, blue: edit the
//                expectations file, amber: known, green: passed), and one
//                sentence saying whether anything needs action;
//   new failures a card each: status, failed checks, kernel lines, the dmesg
//                slice with its call trace folded open on demand, links to
//                every file of the instance folder;
//   fixed        instances an expectations file lists that passed;
//   matrices     workloads whose variants are CHANGE.STATE.SIZE (the pin
//                matrix): one grid per run and filesystem, rows workload ×
//                change, columns mapping state × page size, each cell
//                linking to its card or its output;
//   known        a card each, with the expectation's note;
//   fix hints    once per workload with a failure that blames the kernel;
//   instances    every instance, one column per run (titled by kernel and
//                run id, so two runs of one kernel stay apart);
//   durations    per run, an SVG bar chart (folded); run environment (folded).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace dt::reports {

// A run and the evidence the page links or shows; the writer does no I/O.
struct HtmlRun {
  const RunResult* run = nullptr;
  // The run folder as seen from the page's folder, "" or ending in "/".
  std::string link_prefix;
  // By instance name: its dmesg.txt (failing instances), and the files of
  // its folder as paths relative to the run folder.
  std::map<std::string, std::string> dmesg;
  std::map<std::string, std::vector<std::string>> files;
  std::vector<std::string> run_files;  // console.log, run.json, ...
};

void write_html(std::ostream& out, const std::vector<HtmlRun>& runs,
                std::string_view title = "daxtorture report");

// The page without evidence files (no links, no dmesg slices).
void write_html(std::ostream& out, const std::vector<RunResult>& runs,
                std::string_view title = "daxtorture report");

}  // namespace dt::reports
