// libndctl disables the devdax namespace while a page of its device-dax
// instance is mapped or DMA-pinned (teardown_cell.h). device-dax revokes
// mappings on removal (unmap_mapping_range in kill_dev_dax); nothing waits
// for a DMA pin. No fix commit is known for the pin: fixes left empty.
#include "core/context.h"
#include "workloads/common/teardown_cell.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "teardown_ns_disable_devdax",
    .group = "lifecycle",
    .summary = "namespace disable under a mapped or DMA-pinned devdax page: wait, EBUSY or SIGBUS",
    .needs = teardown_needs(NamespaceMode::devdax),
    .fixes = {},
    .timeout = std::chrono::seconds(30),
    .variants = teardown_holds(),
    .in_default_set = false,
    .injections = teardown_injections(),
};

void scenario(Context& ctx) { run_teardown_cell(ctx, TeardownOp::ns_disable); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
