// vmsplice() puts references to DAX pages of F into a pipe; they live until
// the pipe is read (after the slow delay), and meanwhile F's layout changes:
// every cell of the pin matrix (workloads/common/pin_matrix.h). The pipe must
// deliver F's data, never that of a file that took over a freed block.
#include "core/context.h"
#include "workloads/common/pin_matrix.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pin_vmsplice",
    .group = "pin_matrix",
    .summary = "layout changes wait for DAX pages spliced into a pipe; the pipe reads F's data",
    .needs = pin_matrix_needs(),
    .fixes = pin_matrix_fixes(),
    .timeout = std::chrono::seconds(40),
    .variants = pin_matrix_cells(),
    .in_default_set = false,
    .injections = pin_matrix_injections(),
};

void scenario(Context& ctx) { run_pin_matrix_cell(ctx, PinSource::vmsplice, ctx.variant()); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
