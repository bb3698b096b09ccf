// A layout change over a PMD-mapped range of which a single 4 KiB subpage
// is pinned (an O_DIRECT read from the slow device into it): the busy-page
// scan must find the pinned subpage inside the huge entry, the change must
// wait for it and wake when it drops, and no freed block may receive the
// late DMA. The pin matrix's machinery with a 4 KiB pin
// (workloads/common/pin_matrix.h); a cell is BROKEN unless F really took
// PMD faults.
#include "core/context.h"
#include "workloads/common/pin_matrix.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pmd_subpage_pinned",
    .group = "huge",
    .summary = "truncate/punch of a PMD-mapped range wait for one pinned 4 KiB subpage",
    .needs = pin_matrix_needs(),
    .fixes = pin_matrix_fixes(),
    .timeout = std::chrono::seconds(40),
    .variants = {"dio_read.truncate.mapped.pmd_subpage", "dio_read.punch_hole.mapped.pmd_subpage"},
    .injections = pin_matrix_injections(),
};

void scenario(Context& ctx) { run_pin_matrix_variant(ctx, ctx.variant()); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
