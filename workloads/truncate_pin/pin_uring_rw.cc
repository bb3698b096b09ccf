// io_uring reads and writes with ordinary (unregistered) buffers in DAX pages
// of F, against the slow device, while F's layout changes: every cell of the
// pin matrix (workloads/common/pin_matrix.h) for each direction. No thread
// sleeps on the I/O; the device's inflight counter proves the pin is live.
#include <vector>

#include "core/context.h"
#include "workloads/common/pin_matrix.h"

namespace dt::workloads {
namespace {

std::vector<std::string> variants() {
  auto all = pin_matrix_variants("read");
  for (auto& v : pin_matrix_variants("write")) all.push_back(v);
  return all;
}

const WorkloadSpec spec = {
    .name = "pin_uring_rw",
    .group = "pin_matrix",
    .summary = "layout changes wait for io_uring I/O on DAX buffers; freed blocks get no DMA",
    .needs = pin_matrix_needs(),
    .fixes = pin_matrix_fixes(),
    .timeout = std::chrono::seconds(40),
    .variants = variants(),
    .in_default_set = false,
    .injections = pin_matrix_injections(),
};

void scenario(Context& ctx) {
  const std::string& v = ctx.variant();
  bool read = v.rfind("read.", 0) == 0;
  run_pin_matrix_cell(ctx, read ? PinSource::uring_read : PinSource::uring_write,
                      v.substr(v.find('.') + 1));
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
