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

#include "core/name_table.h"
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
};

// A spec's variants or injections: the names a user types (-t, --inject)
// and, when the body reads them through a NameTable (or a cell type), the
// parser that knows them (`.variants = kSplits`). Registration refuses a
// declared name the parser does not know, so no body ever falls through to
// a default for a name it never heard of.
struct NameList : std::vector<std::string> {
  NameList() = default;
  NameList(std::initializer_list<std::string> names) : std::vector<std::string>(names) {}
  NameList(std::vector<std::string> names) : std::vector<std::string>(std::move(names)) {}
  template <typename Value>
  NameList(const NameTable<Value>& table)  // NOLINT: implicit, so a spec names the table
      : std::vector<std::string>(table.names()), known(table.accepts()) {}
  // Empty: untyped (a lone "default" variant the body never compares).
  std::function<bool(const std::string& name)> known;
};

struct WorkloadSpec {
  std::string name;      // slug: lower_case_with_underscores
  std::string group;     // "truncate_pin", "huge", "uring", "selftest", ...
  std::string summary;   // one line
  Needs needs;
  std::vector<FixTag> fixes;                  // kernel commits it guards
  std::chrono::seconds timeout{120};
  NameList variants = {"default"};
  bool in_default_set = true;                 // selftests opt out
  // Faults the workload can simulate (`--inject NAME`) to prove that each of
  // its checks fails when the behaviour it guards breaks. Never set in a
  // nightly run; a run with injections says so in its results.
  NameList injections;
  // The instance cuts the guest's power halfway (Context::cut_power): the
  // host kills QEMU, boots again on the same NVDIMM backing file and runs
  // the body a second time on the filesystem the first boot left, with
  // Context::after_power_cut() true. Only under 'daxtorture vm'.
  bool power_cut = false;
};

// A plain function for a DT_WORKLOAD; for a family (core/workload_table.h)
// its body with the family's row bound to it.
using WorkloadBody = std::function<void(Context&)>;

struct Workload {
  WorkloadSpec spec;
  WorkloadBody body;
  const char* source_file;
};

}  // namespace dt
