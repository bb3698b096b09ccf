// Selftest: the kernel oopses in the workload's own task (BUG() through the
// fault module), killing it. The instance must end as CRASH with the oops as
// evidence; the guest is then rebooted (a kernel that oopsed judges nothing
// fairly) and the run goes on with the next instance.
#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_guest_oops",
    .group = "selftest",
    .summary = "oopses the kernel in the workload's task: must end as CRASH, then a fresh boot",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}, .modules = {"daxtorture_fault"}},
    .timeout = std::chrono::seconds(60),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "oopses the kernel");
  provoke_kernel_fault("oops");
  DT_ASSERT(false) << "the task survived BUG()";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
