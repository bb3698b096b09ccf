// libpmem2 over a file on fsdax xfs and ext4: MAP_SYNC taken by the kernel
// (VM_SYNC), the store granularity the platform implies, persist and deep
// flush, data read back with pread. The checks and injections are described
// in workloads/common/pmem2_map_sync.h.
#include "core/context.h"
#include "workloads/common/pmem2_map_sync.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pmem2_map_sync",
    .group = "huge",
    .summary = "libpmem2 maps an fsdax file with MAP_SYNC; granularity, persist, deep flush, data",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs", "ext4"}},
    .fixes = {{"b6fb293f2497", "mm: Define MAP_SYNC and VM_SYNC flags"},
              {"caa51d26f85c", "dax, iomap: Add support for synchronous faults"}},
    .timeout = std::chrono::seconds(30),
    .injections = pmem2_map_sync_injections(),
};

DT_WORKLOAD(spec, run_pmem2_map_sync);

}  // namespace
}  // namespace dt::workloads
