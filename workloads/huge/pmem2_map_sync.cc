// libpmem2 maps DAX memory the way PMDK applications do, on fsdax and on
// devdax, one row each; the checks and injections are described in
// pmem2_checks.h.
//   pmem2_map_sync         a file on fsdax xfs and ext4: MAP_SYNC taken by
//                          the kernel (VM_SYNC), the store granularity the
//                          platform implies, persist and deep flush, data
//                          read back with pread
//   pmem2_map_sync_devdax  a device-dax namespace: granularity, persist,
//                          deep flush (the region's deep_flush attribute),
//                          data read back through a second mapping
#include "core/context.h"
#include "core/workload_table.h"
#include "workloads/huge/pmem2_checks.h"

namespace dt::workloads {
namespace {

const FixTag kMapSync = {"b6fb293f2497", "mm: Define MAP_SYNC and VM_SYNC flags"};

// The rows are whole specs: each is its own workload, run by one body.
WorkloadSpec spec_of(const WorkloadSpec& row) { return row; }
void scenario(Context& ctx, const WorkloadSpec&) { run_pmem2_map_sync(ctx); }

std::vector<WorkloadSpec> table() {
  return {
      {.name = "pmem2_map_sync",
       .group = "huge",
       .summary = "libpmem2 maps an fsdax file with MAP_SYNC; granularity, persist, deep flush, data",
       .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs", "ext4"}},
       .fixes = {kMapSync, {"caa51d26f85c", "dax, iomap: Add support for synchronous faults"}},
       .timeout = std::chrono::seconds(30),
       .injections = pmem2_faults()},
      {.name = "pmem2_map_sync_devdax",
       .group = "huge",
       .summary = "libpmem2 maps a devdax device; granularity, persist, deep flush, data",
       .needs = {.mode = NamespaceMode::devdax, .devdax_align = 2ull << 20},
       .fixes = {kMapSync},
       .timeout = std::chrono::seconds(30),
       .injections = pmem2_faults()},
  };
}

DT_WORKLOAD_FAMILY(table(), spec_of, scenario);

}  // namespace
}  // namespace dt::workloads
