// Selftest: the workload's task sleeps uninterruptibly in the kernel forever
// (D state; SIGKILL cannot remove it). The runner must time the instance out
// with the task's kernel stack in stacks.txt, leave its fixture alone, and
// stop this boot; the host boots a fresh guest for the instances left.
#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_stuck_task",
    .group = "selftest",
    .summary = "leaves a task stuck in D state: must end as TIMEOUT with its stack, then a fresh boot",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}, .kconfig = {"CONFIG_DETECT_HUNG_TASK"},
              .modules = {"daxtorture_fault"}},
    // Under TCG's timeout scale of 4: 40 s, time for khungtaskd to report too.
    .timeout = std::chrono::seconds(10),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "leaves a task the kernel never wakes");
  // The hung-task detector reports it as well; the boot ends after this
  // instance, so the lowered threshold does not outlive it.
  write_text_file("/proc/sys/kernel/hung_task_timeout_secs", "5");
  provoke_kernel_fault("hang");
  DT_ASSERT(false) << "the uninterruptible sleep returned";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
