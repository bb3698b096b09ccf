// libdaxctl reconfigures the device-dax instance to system-ram (disable,
// then kmem) while one of its pages is mapped or DMA-pinned
// (teardown_cell.h). Under a pin this hands pinned pages to the page
// allocator: the cell takes the pinned frames itself before the DMA lands
// and checks they are not overwritten. The pin must be waited for; no fix
// commit is known: fixes left empty.
#include "core/context.h"
#include "workloads/common/teardown_cell.h"

namespace dt::workloads {
namespace {

// kmem takes the range; the pin lasts long enough for kmem to add it and
// this process to be handed the pinned frames before the DMA lands.
Needs reconfigure_needs() {
  Needs needs = teardown_needs(NamespaceMode::devdax, 10000);
  needs.modules = {"kmem"};
  return needs;
}

const WorkloadSpec spec = {
    .name = "teardown_reconfigure_devdax",
    .group = "lifecycle",
    .summary = "devdax to system-ram under a mapped or DMA-pinned page: wait, EBUSY or SIGBUS, no DMA into reallocated memory",
    .needs = reconfigure_needs(),
    .fixes = {},
    .timeout = std::chrono::seconds(40),
    .variants = teardown_holds(),
    .in_default_set = false,
    .injections = teardown_injections(),
};

void scenario(Context& ctx) { run_teardown_cell(ctx, TeardownOp::daxctl_reconfigure); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
