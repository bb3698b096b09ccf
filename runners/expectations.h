// Known failures per kernel, so that a nightly run says what is new. A file
// in vm-configs/expectations/ names the kernels it covers and the instances
// known to fail on them:
//
//   kernel: ^6\.1\.0-[0-9]+-amd64$
//   truncate_vs_pinned_dio/xfs/4k  TIMEOUT  why, and where it was seen
//
// Workloads assert correct behaviour only; what a given kernel gets wrong
// lives here, never in a workload.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

struct KnownFailure {
  std::string instance;   // exact instance name or a glob
  Status status;          // the verdict it is known to get
  std::string note;
  int line = 0;
};

struct ExpectationFile {
  std::string path;
  std::vector<std::string> kernel_patterns;   // ECMAScript regexes over uname -r
  std::vector<KnownFailure> known;
  bool covers(const std::string& kernel_release) const;
};

// Throws UsageError "FILE:LINE:COLUMN: problem; fix: ..." on malformed input.
ExpectationFile parse_expectations(const std::string& text, const std::string& path);
ExpectationFile load_expectations(const std::string& path);
// Every *.expect file in dir that covers the release.
std::vector<ExpectationFile> expectations_for(const std::string& dir, const std::string& release);

// Marks each instance new failure / known failure / fixed. A known failure
// whose instance now fails differently counts as new.
void apply_expectations(const std::vector<ExpectationFile>& files, RunResult& run);

// true when the run has a failure that no expectation file knows.
bool has_new_failures(const RunResult& run);

}  // namespace dt
