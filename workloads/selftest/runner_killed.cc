// Selftest: the guest's runner process dies in the middle of an instance (as
// when an oops or the OOM killer takes it). The host must give this instance
// a CRASH verdict with the console's tail, keep every result before it, boot
// a fresh guest and run the rest.
#include <signal.h>
#include <unistd.h>

#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_runner_killed",
    .group = "selftest",
    .summary = "kills the guest's runner mid-instance: must end as CRASH, then a fresh boot",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}},
    .timeout = std::chrono::seconds(60),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "kills the runner");
  DT_SYS(kill(getppid(), SIGKILL));
  pause();  // PR_SET_PDEATHSIG ends this process with the runner
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
