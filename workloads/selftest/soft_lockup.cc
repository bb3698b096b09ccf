// Selftest: a CPU spins in the kernel with preemption off for longer than
// the soft-lockup threshold (fault module, watchdog_thresh lowered to 2 s, so
// the report comes after 4 s). The workload itself returns; the kernel's
// "BUG: soft lockup" report must make the instance a TIMEOUT, with the
// spinning CPU's stack in the dmesg slice.
#include "core/check.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_soft_lockup",
    .group = "selftest",
    .summary = "spins a CPU with preemption off past the soft-lockup threshold: must end as TIMEOUT",
    .needs = {.mode = NamespaceMode::none, .filesystems = {},
              .kconfig = {"CONFIG_SOFTLOCKUP_DETECTOR"}, .modules = {"daxtorture_fault"}},
    .timeout = std::chrono::seconds(60),
    .in_default_set = false,
};

constexpr const char* kWatchdogThresh = "/proc/sys/kernel/watchdog_thresh";

void scenario(Context& ctx) {
  require_own_vm(ctx, "locks up a CPU");
  std::string previous = read_first_line(kWatchdogThresh).value_or("10");
  write_text_file(kWatchdogThresh, "2");
  provoke_kernel_fault("spin 10");
  write_text_file(kWatchdogThresh, previous);
  ctx.note("spun 10 s with preemption disabled; watchdog_thresh was 2");
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
