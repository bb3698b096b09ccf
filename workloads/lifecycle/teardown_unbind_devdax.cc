// The device-dax instance is unbound from device_dax through sysfs while
// one of its pages is mapped or DMA-pinned (teardown_cell.h): the mapping
// must be revoked (SIGBUS), the pin waited for. No fix commit is known for
// the pin: fixes left empty.
#include "core/context.h"
#include "workloads/common/teardown_cell.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "teardown_unbind_devdax",
    .group = "lifecycle",
    .summary = "device_dax unbind under a mapped or DMA-pinned devdax page: wait, EBUSY or SIGBUS",
    .needs = teardown_needs(NamespaceMode::devdax),
    .fixes = {},
    .timeout = std::chrono::seconds(30),
    .variants = teardown_holds(),
    .in_default_set = false,
    .injections = teardown_injections(),
};

void scenario(Context& ctx) { run_teardown_cell(ctx, TeardownOp::unbind); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
