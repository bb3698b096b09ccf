// The channel from a forked workload instance to the runner. The child
// writes one JSON object per line to a pipe as things happen, so a failure
// reported before the child crashes or hangs is never lost.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

// Child side. All functions are thread-safe; each event is one write(2).
void reporter_attach(int fd);
void report_failure(const Failure& failure);
void report_metric(const Metric& metric);
void report_skip(const std::string& reason);
void report_broken(const std::string& reason);
void report_note(const std::string& text);   // progress line for the log
// A fixture handle is about to disable, unbind or reconfigure the
// instance's namespace (`what` says which and how): the runner re-reads
// its namespaces after the instance. Sent before the kernel is asked, so
// that an instance that hangs or dies inside the call is rechecked too.
void report_namespace_changed(const std::string& what);
bool reporter_on_main_thread();

// Parent side: what the child reported, folded.
struct ChildReport {
  std::vector<Failure> failures;
  std::vector<Metric> metrics;
  std::vector<std::string> notes;
  std::vector<std::string> namespace_changes;  // what the fixture handles changed
  std::string skip_reason;
  std::string broken_reason;
  std::vector<std::string> malformed;  // lines that did not parse
};

// Folds one line of the channel into the report.
void fold_report_line(const std::string& line, ChildReport& report);

}  // namespace dt
