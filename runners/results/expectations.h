// Known failures per kernel, so that a nightly run says what is new. A file
// in vm-configs/expectations/ names the kernels it covers and the instances
// known to fail on them:
//
//   kernel: ^6\.1\.0-[0-9]+-amd64$
//   version: 6.1
//   truncate_vs_pinned_dio/xfs/4k  TIMEOUT  why, and where it was seen
//   teardown_unbind_fsdax/*/pinned  CRASH|TIMEOUT  one bug, two endings
//
// The file covers a kernel when its release matches any "kernel:" regex or
// its version (the leading X.Y.Z of the release) any "version:" line: a
// self-built 6.12.117 ("6.12.117-g537f385a3cae") has the failures of
// Debian's 6.12.117+deb12-amd64 when they come from the source both share.
// A "version:" line is "6.12" (6.12.*), "6.12.117", or comparisons that
// must all hold: ">=6.6 <6.15". "dax-rework: yes|no" further limits the
// file to kernels with or without v6.15's fs/dax page reference-count rework
// ("fs/dax: Fix ZONE_DEVICE page reference counts"), told by the version.
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
  // The verdict it is known to get, or alternatives ("CRASH|TIMEOUT") where
  // one bug ends either way by timing: an oops, or a task stuck behind it.
  std::vector<Status> statuses;
  bool allows(Status status) const;
  std::string note;
  int line = 0;
};

struct ExpectationFile {
  std::string path;
  std::vector<std::string> kernel_patterns;   // Perl-compatible (PCRE2) regexes over uname -r
  std::vector<std::string> version_ranges;    // "6.12", ">=6.6 <6.15"
  int dax_rework = -1;                        // -1 either, 0 without, 1 with
  std::vector<KnownFailure> known;
  bool covers(const std::string& kernel_release) const;
};

// The kernel version a release string starts with ("6.12.117+deb12-amd64"
// -> {6, 12, 117}); empty when it does not start with one.
std::vector<int> release_version(const std::string& kernel_release);
// Whether a version satisfies a "version:" line; nullopt-free: a malformed
// line is rejected by the parser, so here it just does not match.
bool version_matches(const std::vector<int>& version, const std::string& range);
// v6.15 and later have the fs/dax reference-count rework.
bool has_dax_rework(const std::vector<int>& version);

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
