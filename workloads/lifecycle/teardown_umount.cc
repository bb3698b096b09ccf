// umount2 (no MNT_DETACH) of the instance's DAX filesystem while a page of
// F is mapped, or pinned by in-flight O_DIRECT I/O with F closed and
// unmapped (workloads/common/teardown_cell.h). A mapping keeps the
// filesystem busy (EBUSY); a pin alone must make umount wait, which only
// the v6.15 rework does (0e2f80afcfa6).
#include "core/context.h"
#include "workloads/common/teardown_cell.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "teardown_umount",
    .group = "lifecycle",
    .summary = "umount under a mapped or DMA-pinned fsdax page: EBUSY or a wait, never an early return",
    .needs = teardown_needs(NamespaceMode::fsdax),
    .fixes = {{"0e2f80afcfa6", "fs/dax: ensure all pages are idle prior to filesystem unmount"}},
    .timeout = std::chrono::seconds(30),
    .variants = teardown_holds(),
    .in_default_set = false,
    .injections = teardown_injections(),
};

void scenario(Context& ctx) { run_teardown_cell(ctx, TeardownOp::umount); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
