// The default set's slice of the pin matrix (workloads/common/pin_matrix.h):
// one cell per shape the v6.15 ZONE_DEVICE refcount series fixed, small
// enough for CI under TCG. The whole matrix is `-t group:pin_matrix`.
#include "core/context.h"
#include "workloads/common/pin_matrix.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pin_matrix_sample",
    .group = "truncate_pin",
    .summary = "a few pinned-DMA x layout-change cells: wait, no DMA into freed blocks, data",
    .needs = pin_matrix_needs(),
    .fixes = pin_matrix_fixes(),
    .timeout = std::chrono::seconds(40),
    .variants =
        {
            // the busy-page wait itself, on a PMD mapping
            "dio_read.punch_hole.mapped.pmd",
            // a pin whose mapping is gone (cee91fa13a8e): wait anyway
            "vmsplice.truncate.unmapped.4k",
            // the last name goes while pinned: eviction must wait (0e2f80afcfa6)
            "uring_write.unlink.closed.4k",
            // umount while pinned, then the blocks freed after a remount
            // (0e2f80afcfa6): umount must wait
            "dio_read.umount.closed.4k",
        },
    .injections = pin_matrix_injections(),
};

void scenario(Context& ctx) { run_pin_matrix_variant(ctx, ctx.variant()); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
