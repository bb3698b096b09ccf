// The pfn device under the mounted DAX filesystem is unbound from nd_pmem
// through sysfs while a page of F is mapped or DMA-pinned
// (teardown_cell.h): the same kernel path as a namespace disable, without
// libndctl. The mapping must be revoked (fa422b353d21 for xfs), the pin
// waited for.
#include "core/context.h"
#include "workloads/common/teardown_cell.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "teardown_unbind_fsdax",
    .group = "lifecycle",
    .summary = "nd_pmem unbind under a mapped or DMA-pinned fsdax page: wait, EBUSY or SIGBUS",
    .needs = teardown_needs(NamespaceMode::fsdax),
    .fixes = {{"fa422b353d21", "mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind"},
              {"8012b8660855", "dax: introduce holder for dax_device"}},
    .timeout = std::chrono::seconds(30),
    .variants = teardown_holds(),
    .in_default_set = false,
    .injections = teardown_injections(),
};

void scenario(Context& ctx) { run_teardown_cell(ctx, TeardownOp::unbind); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
