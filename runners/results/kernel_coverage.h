// The host half of 'daxtorture vm --coverage': each instance's folder holds
// the kernel's gcov counters of that instance alone (gcov/, copied by the
// guest: runners/run/kernel_gcov.h). This turns them, with the build's gcov
// notes (runners/kernel/coverage_objects.h: ENTRY/gcov), into
//   - each instance's kernel_functions_reached,
//   - the run's kernel_coverage summary (lines and functions per file),
//   - RUN/coverage/kernel.info (lcov) and RUN/coverage/html/ (genhtml).
// The raw counters are removed once summed: a whole suite's would fill GBs.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

struct CoverageInputs {
  std::string notes;               // ENTRY/gcov of the coverage build
  std::vector<std::string> files;  // sources to report, relative to the tree
  std::string title;               // for the HTML, e.g. the kernel's describe
};

// Progress for people: called after each instance ("12/82").
using CoverageProgress = std::function<void(size_t done, size_t total)>;

KernelCoverage collect_kernel_coverage(const std::string& run_dir, const CoverageInputs& inputs,
                                       std::vector<InstanceResult>& instances,
                                       const CoverageProgress& progress = nullptr);

}  // namespace dt
