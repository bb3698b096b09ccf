// An O_DIRECT write to the slow device reads DAX pages of F late (DAX buffer
// -> device) while F's layout changes: every cell of the pin matrix
// (change x mapping state x page size; workloads/common/pin_matrix.h).
#include "core/context.h"
#include "workloads/common/pin_matrix.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "pin_dio_write",
    .group = "pin_matrix",
    .summary = "layout changes wait for an O_DIRECT write from DAX pages; the device gets F's data",
    .needs = pin_matrix_needs(),
    .fixes = pin_matrix_fixes(),
    // About 15 s under TCG; a lost wake-up is ended by the wake-up signal.
    .timeout = std::chrono::seconds(40),
    .variants = pin_matrix_cells(),
    .in_default_set = false,
    .injections = pin_matrix_injections(),
};

void scenario(Context& ctx) { run_pin_matrix_cell(ctx, PinSource::dio_write, ctx.variant()); }

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
