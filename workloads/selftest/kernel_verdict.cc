// Selftest: the kernel verdict fails an instance whose own checks pass.
// Each variant makes the running kernel itself report a problem during the
// instance, through the kernel's real paths:
//   hung_task   an fsync waiting 15 s for writeback to the slow device, with
//               the hung-task detector lowered to 4 s, so khungtaskd prints
//               "INFO: task ... blocked for more than 4 seconds". (Not a
//               direct read: blk_wait_io wakes periodically on purpose so
//               that long I/O is never reported as hung.)
//   taint_warn  the WARN taint set through /proc/sys/kernel/tainted, as a
//               WARN_ON does
// The runner must fail them with the kernel's message as evidence: TIMEOUT
// for the hung task (the kernel reported a hang), FAIL for the taint.
#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "core/check.h"
#include "core/context.h"
#include "core/name_table.h"
#include "core/text_file.h"
#include "workloads/lib/page_sizes.h"

namespace dt::workloads {
namespace {

enum class Problem { hung_task, taint_warn };
const NameTable<Problem> kProblems("a selftest_kernel_verdict variant",
    {{Problem::hung_task, "hung_task"}, {Problem::taint_warn, "taint_warn"}});

const WorkloadSpec spec = {
    .name = "selftest_kernel_verdict",
    .group = "selftest",
    .summary = "passes its own checks while the kernel reports a problem: must fail",
    .needs = {.mode = NamespaceMode::none, .filesystems = {}, .kconfig = {"CONFIG_DETECT_HUNG_TASK"},
              .slow_device = true, .slow_delay_ms = 15000},
    .timeout = std::chrono::seconds(60),
    .variants = kProblems,
    .in_default_set = false,
};

constexpr const char* kHungTaskTimeout = "/proc/sys/kernel/hung_task_timeout_secs";

void hung_task(Context& ctx) {
  std::string previous = read_first_line(kHungTaskTimeout).value_or("120");
  write_text_file(kHungTaskTimeout, "4");
  int dev = DT_SYS(open(ctx.env().slow_device.c_str(), O_WRONLY | O_CLOEXEC));
  std::vector<char> data(kPageSize, 'h');
  ssize_t n = DT_SYS(pwrite(dev, data.data(), data.size(), 0));
  int synced = fsync(dev);  // sleeps uninterruptibly in folio_wait_writeback
  write_text_file(kHungTaskTimeout, previous);
  DT_ASSERT(n == static_cast<ssize_t>(kPageSize) && synced == 0)
      << "the held-back write returned " << n << ", fsync " << synced;
  close(dev);
}

void taint_warn(Context&) {
  constexpr uint64_t kWarn = 1ull << 9;
  write_text_file("/proc/sys/kernel/tainted", std::to_string(kWarn));
  uint64_t taint = std::stoull(read_first_line("/proc/sys/kernel/tainted").value_or("0"));
  DT_ASSERT(taint & kWarn) << "the WARN taint did not stick: " << taint;
}

void scenario(Context& ctx) {
  if (ctx.variant(kProblems) == Problem::hung_task) hung_task(ctx);
  else taint_warn(ctx);
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
