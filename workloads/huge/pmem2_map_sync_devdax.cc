// libpmem2 over a device-dax namespace: the store granularity the platform
// implies, persist, deep flush (the region's deep_flush attribute), data
// read back through a second mapping. The checks and injections are
// described in workloads/common/pmem2_map_sync.h.
#include "core/context.h"
#include "workloads/common/pmem2_map_sync.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pmem2_map_sync_devdax",
    .group = "huge",
    .summary = "libpmem2 maps a devdax device; granularity, persist, deep flush, data",
    .needs = {.mode = NamespaceMode::devdax, .devdax_align = 2ull << 20},
    .fixes = {{"b6fb293f2497", "mm: Define MAP_SYNC and VM_SYNC flags"}},
    .timeout = std::chrono::seconds(30),
    .injections = pmem2_map_sync_injections(),
};

DT_WORKLOAD(spec, run_pmem2_map_sync);

}  // namespace
}  // namespace dt::workloads
