// libndctl disables the fsdax namespace under a mounted DAX filesystem
// while a page of F is mapped or DMA-pinned (teardown_cell.h). The kernel
// cannot refuse the unbind; it must revoke the mapping (xfs: the
// MF_MEM_PRE_REMOVE notification, fa422b353d21, over the dax holder of
// 8012b8660855; ext4 registers no holder) and wait for the pin.
#include "core/context.h"
#include "workloads/common/teardown_cell.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "teardown_ns_disable_fsdax",
    .group = "lifecycle",
    .summary = "namespace disable under a mapped or DMA-pinned fsdax page: wait, EBUSY or SIGBUS",
    .needs = teardown_needs(NamespaceMode::fsdax),
    .fixes = {{"fa422b353d21", "mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind"},
              {"8012b8660855", "dax: introduce holder for dax_device"}},
    .timeout = std::chrono::seconds(30),
    .variants = teardown_holds(),
    .in_default_set = false,
    .injections = teardown_injections(),
};

void scenario(Context& ctx) { run_teardown_cell(ctx, TeardownOp::ns_disable); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
