// Selftest: the guest kernel panics in the middle of a run (sysrq-c). The
// host must record CRASH for this instance with the console's tail, keep
// every result finished before it, and mark what could not run.
#include <unistd.h>

#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_guest_panic",
    .group = "selftest",
    .summary = "panics the guest kernel through sysrq-c: must end as CRASH, losing nothing",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}, .kconfig = {"CONFIG_MAGIC_SYSRQ"}},
    .timeout = std::chrono::seconds(60),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "panics the kernel");
  sync();
  write_text_file("/proc/sysrq-trigger", "c");
  DT_ASSERT(false) << "the kernel survived sysrq-c";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
