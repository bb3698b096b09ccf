// Selftest: the guest goes silent while its kernel lives. The runner is
// stopped (SIGSTOP, so its watchdog never fires) and the workload's task
// sleeps in D state in the fault module. Only the host can see this: after
// --hang-timeout of silence it must press sysrq w and l, keep the blocked
// task's kernel stack from the console in console-tail.txt, give the
// instance TIMEOUT, and go on in a fresh guest.
#include <signal.h>
#include <unistd.h>

#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_guest_silent",
    .group = "selftest",
    .summary = "stops the runner and hangs a task: the host must dump stacks via sysrq, TIMEOUT",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}, .modules = {"daxtorture_fault"}},
    .timeout = std::chrono::seconds(60),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "hangs the guest");
  DT_SYS(kill(getppid(), SIGSTOP));
  provoke_kernel_fault("hang");
  DT_ASSERT(false) << "the uninterruptible sleep returned";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
