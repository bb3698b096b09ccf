// gcov's counts of the kernel's covered sources, as 'vm --coverage' sums
// them: read from `gcov --json-format` output, added up over instances,
// summed into a run's FileCoverage and written as an lcov tracefile for
// genhtml. No I/O here: runners/results/kernel_coverage.h does that.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

struct FunctionCount {
  int start_line = 0;
  uint64_t count = 0;
};

struct SourceCounts {
  std::map<int, uint64_t> lines;                   // instrumented line -> executions
  std::map<std::string, FunctionCount> functions;  // emitted function -> entries
};

// Source file relative to the tree ("fs/dax.c") -> its counts.
using CoverageCounts = std::map<std::string, SourceCounts>;

// Adds one line of `gcov --json-format --stdout` (one object file) to
// `counts`, keeping only `files` (relative paths; gcov names them by the
// path the compiler saw, which ends with one of them). A line that is not
// gcov's JSON is ignored and reported through the return value (false).
bool add_gcov_json(const std::string& line, const std::vector<std::string>& files, CoverageCounts& counts);

// Adds b's counts to a.
void add_counts(CoverageCounts& a, const CoverageCounts& b);

// Per file of `files` (in that order), lines and functions hit and total,
// and the functions never run; a file absent from `counts` is left out.
std::vector<FileCoverage> summarize_coverage(const CoverageCounts& counts, const std::vector<std::string>& files);

// Per file, the functions with a count, by name: an instance's reach.
std::map<std::string, std::vector<std::string>> functions_reached(const CoverageCounts& counts);

// The counts as an lcov tracefile (geninfo's format: SF, FN, FNDA, DA, ...),
// each SF being source_root + "/" + the relative path.
std::string lcov_tracefile(const CoverageCounts& counts, const std::string& source_root, const std::string& test_name);

}  // namespace dt
