// The result model every runner fills and every report writer reads.
// Kept free of I/O so that writers and parsers can be unit-tested alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dt {

// Ordered from best to worst: the verdict of a run is the worst instance.
enum class Status { pass, skip, fail, broken, timeout, crash };

const char* status_name(Status s);          // "PASS", "SKIP", ...
std::optional<Status> parse_status(const std::string& name);
bool status_is_failure(Status s);           // fail, broken, timeout, crash
// A verdict about the kernel (fail, timeout, crash), as opposed to BROKEN,
// where the set-up failed: only these earn a "missing fix" hint.
bool status_blames_kernel(Status s);

// A kernel commit a workload guards: printed as a hint when it fails.
struct FixTag {
  std::string sha;      // abbreviated linux-git sha, at least 12 hex digits
  std::string subject;  // the commit's subject line
};

// One failed check inside a workload: where, what was expected, what was seen.
struct Failure {
  std::string file;
  int line = 0;
  std::string check;    // the checked expression or the failing call
  std::string message;  // expected vs seen, in words
};

// A kernel message that makes an instance fail even when its checks passed.
struct KernelFinding {
  std::string kind;     // "WARNING", "BUG", "Oops", "hung task", ...
  std::string line;     // the dmesg line that matched
};

// A kernel line seen while an instance ran that does not judge it: it is
// about another instance's process (an mm freed after that instance ended),
// or it cannot be placed at all. Every report lists these on the run.
struct UnplacedLine {
  std::string line;     // the kernel's line
  std::string why;      // whose it is, or why it cannot be told
};

struct Metric {
  std::string name;
  double value = 0;
  std::string unit;     // "ns", "faults", "bytes", "count", ...
};

// How a known failure listed in an expectations file relates to this result.
enum class Expectation { none, new_failure, known_failure, fixed };
const char* expectation_name(Expectation e);

struct InstanceResult {
  std::string name;      // "workload/fs/variant", unique within a run
  std::string workload;
  std::string fs;        // "xfs", "ext4", "devdax", "none"
  std::string variant;
  Status status = Status::pass;
  std::string reason;    // skip or broken reason; empty for pass
  std::vector<Failure> failures;
  std::vector<KernelFinding> kernel_findings;
  std::vector<UnplacedLine> unplaced_kernel_lines;  // seen during it, not charged to it
  std::vector<FixTag> fixes;       // tags of the workload, for hints
  std::vector<Metric> metrics;
  std::vector<std::string> notes;  // what the workload observed (errnos, timings)
  uint64_t taint_before = 0;
  uint64_t taint_after = 0;
  double duration_s = 0;           // whole instance: fixture + workload
  double workload_s = 0;           // workload body alone
  std::string started_at;          // ISO-8601 UTC
  std::string artifacts;           // instance folder, relative to the run folder
  Expectation expectation = Expectation::none;
  // The expectations-file line behind a known failure or a fix, so every
  // report can say why the failure is known without the file at hand.
  std::string expectation_note;     // that line's note: why, and where seen
  std::string expectation_source;   // "vm-configs/expectations/x.expect:14"
  std::string expectation_pattern;  // that line's instance name or glob
  // 'vm --coverage': per covered source file ("fs/dax.c"), the functions of
  // it the kernel ran during this instance, by name.
  std::map<std::string, std::vector<std::string>> kernel_functions_reached;
};

// Where the kernel under test came from, for dashboards that group results by
// source (KCIDB checkouts and builds) and for bisect evidence. Empty fields are
// unknown. "kind" is "debian-package" (package/package_version set), "tree" (a
// git tree built by `daxtorture build`/`vm --tree`/`bisect`: commit, describe,
// config_sha256 set) or "image" (a bzImage given by path, nothing else known).
struct KernelOrigin {
  std::string kind;
  std::string package;          // e.g. linux-image-6.12.117+deb12-amd64-unsigned
  std::string package_version;  // Debian version of that package
  std::string tree;             // path of the git tree it was built from
  std::string repository_url;   // remote of that tree, if it has one
  std::string branch;           // branch the tree was on, if any
  std::string commit;           // full sha of the commit built
  std::string describe;         // `git describe --always --tags` of it
  std::string config_sha256;    // of the .config the kernel was built with
  std::string config_name;      // how that config was made, e.g. "x86_64_defconfig+kvm_guest+daxtorture"
  std::string compiler;         // CONFIG_CC_VERSION_TEXT of that .config
  std::string architecture;     // e.g. x86_64
};

struct RunInfo {
  std::string run_id;              // also the results sub-directory name
  std::string kernel_release;      // uname -r of the kernel under test
  std::string kernel_version;      // uname -v
  std::string machine;             // "qemu-tcg", "qemu-kvm", "host"
  std::string tool_version;
  std::string started_at;
  std::string finished_at;
  double duration_s = 0;
  std::map<std::string, std::string> environment;  // fs options, namespace sizes, ...
  KernelOrigin kernel_origin;
};

// Kernel coverage of one source file over a run ('vm --coverage'), as gcov
// counts it: lines are the lines gcc instrumented, functions the ones it
// emitted (a static function inlined everywhere is counted in its callers).
struct FileCoverage {
  std::string file;        // relative to the kernel tree, e.g. "fs/dax.c"
  int lines_hit = 0;
  int lines_total = 0;
  int functions_hit = 0;
  int functions_total = 0;
  std::vector<std::string> functions_missed;  // never run by any instance
};

struct KernelCoverage {
  std::vector<FileCoverage> files;   // in runners/kernel/coverage_objects.h order
  int instances = 0;                 // instances whose counters it sums
  std::string tracefile;             // lcov tracefile, relative to the run folder
  std::string html;                  // genhtml index, relative; "" when not drawn
  std::string note;                  // why something is missing, if it is
};

struct RunResult {
  RunInfo info;
  std::vector<InstanceResult> instances;
  std::optional<KernelCoverage> kernel_coverage;
};

// Worst status over all instances (pass for an empty run).
Status overall_status(const RunResult& run);

}  // namespace dt
