// The declarative part of a workload: what it is, what it needs, which
// kernel fix it guards. Each workload file opens with one of these; the
// harness turns unmet needs into SKIP with the reason before any workload
// code runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

class Context;

// Which kind of pmem namespace the workload runs on.
enum class NamespaceMode { none, fsdax, devdax };

struct Needs {
  bool root = true;
  NamespaceMode mode = NamespaceMode::fsdax;
  // fsdax: one instance per filesystem listed ("xfs", "ext4").
  std::vector<std::string> filesystems = {"xfs", "ext4"};
  uint64_t min_namespace_bytes = 1ull << 30;
  uint64_t devdax_align = 2ull << 20;       // devdax only: 2 MiB or 1 GiB
  std::vector<std::string> kconfig;          // e.g. "CONFIG_FS_DAX_PMD"
  std::vector<std::string> modules;          // loaded before the instance
  std::string min_kernel;                    // e.g. "5.10"; empty: any
  // A block device whose reads complete late and really copy data (dm-delay
  // over brd), for pins held for a controlled time.
  bool slow_device = false;
  uint64_t slow_delay_ms = 3000;             // how long each slow I/O is held
  // The workload disables, unbinds or reconfigures its namespace and puts
  // it back: the runner re-reads the namespace afterwards (a devdax device
  // may come back under a new name) and replaces it if it did not come back.
  bool reconfigures_namespace = false;
};

struct WorkloadSpec {
  std::string name;      // slug: lower_case_with_underscores
  std::string group;     // "truncate_pin", "huge", "uring", "selftest", ...
  std::string summary;   // one line
  Needs needs;
  std::vector<FixTag> fixes;                  // kernel commits it guards
  std::chrono::seconds timeout{120};
  std::vector<std::string> variants = {"default"};
  bool in_default_set = true;                 // selftests opt out
  // Faults the workload can simulate (`--inject NAME`) to prove that each of
  // its checks fails when the behaviour it guards breaks. Never set in a
  // nightly run; a run with injections says so in its results.
  std::vector<std::string> injections;
  // The instance cuts the guest's power halfway (Context::cut_power): the
  // host kills QEMU, boots again on the same NVDIMM backing file and runs
  // the body a second time on the filesystem the first boot left, with
  // Context::after_power_cut() true. Only under 'daxtorture vm'.
  bool power_cut = false;
  // Typed variants: the body's own parser (e.g. a NameTable's or a cell
  // type's). Registration refuses a declared variant it does not accept, so
  // no body ever falls through to a default for a name it does not know.
  std::function<bool(const std::string& variant)> accepts_variant;
};

using WorkloadBody = void (*)(Context&);

struct Workload {
  WorkloadSpec spec;
  WorkloadBody body;
  const char* source_file;
};

}  // namespace dt
