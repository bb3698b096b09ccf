// A reflink clone over a pinned range: FICLONERANGE of another file onto the
// part of F that a pinned I/O covers frees F's old blocks there, so it must
// wait for the pin like any other layout change (xfs_reflink_remap_prep
// breaks the layout of the destination). The pin matrix's checks, on an xfs
// made with reflink=1, for every pin source and mapping state.
#include "core/context.h"
#include "workloads/common/pin_matrix.h"

namespace dt::workloads {
namespace {

Needs reflink_needs() {
  Needs needs = pin_matrix_needs();
  needs.filesystems = {"xfs-reflink"};
  return needs;
}

const WorkloadSpec spec = {
    .name = "pin_reflink",
    .group = "pin_matrix",
    .summary = "a reflink clone over a pinned DAX range waits for the pin; freed blocks get no DMA",
    .needs = reflink_needs(),
    .fixes = pin_matrix_fixes(),
    .timeout = std::chrono::seconds(40),
    .variants = pin_matrix_reflink_variants(),
    .in_default_set = false,
    .injections = pin_matrix_injections(),
};

void scenario(Context& ctx) { run_pin_matrix_variant(ctx, ctx.variant()); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
