// Selftest: the kernel frees this instance's mm only after its process has
// exited (the fault module holds it 500 ms, as an io_uring ring's exit work
// or an idle CPU's lazy TLB reference does) and then reports a bad counter
// in it. The report is this instance's: it must FAIL with "Bad rss-counter
// state", and the instance after it must not see the line
// (tests/vm/deferred_mm.sh). The runner's mm ledger waits for the free.
#include <cerrno>

#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_deferred_mm_teardown",
    .group = "selftest",
    .summary = "its mm is freed 500 ms after it exits, with a bad rss counter: must FAIL with that line",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}, .modules = {"daxtorture_fault"}},
    .timeout = std::chrono::seconds(30),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "leaves a bad counter in its own mm");
  provoke_kernel_fault("defer_mm 500");
  ctx.note("the fault module holds this process's mm for 500 ms after its exit");
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
