// Selftest: an instance that leaves everything behind that could leak into
// the next one: files, a process that escaped its process group holding a
// mapping of a DAX file, a mount stacked inside the test directory, and data
// on the slow device. Run it before selftest_expect_clean to prove the
// fixture isolates instances.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/check.h"
#include "core/context.h"
#include "workloads/lib/page_sizes.h"
#include "workloads/lib/pattern_file.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_leave_mess",
    .group = "selftest",
    .summary = "leaves files, an escaped process, a stacked mount and device data behind",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs"}, .slow_device = true,
              .slow_delay_ms = 10},
    .timeout = std::chrono::seconds(60),
    .in_default_set = false,
};

void scenario(Context& ctx) {
  int fd = create_pattern_file(ctx.path("leftover"), kPmdSize, 0x1EF7);
  pid_t escaped = DT_SYS(fork());
  if (escaped == 0) {
    // Leaves the process group the runner kills, keeps the DAX file mapped.
    setsid();
    prctl(PR_SET_NAME, "dt-leftover");
    void* map = mmap(nullptr, kPmdSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map != MAP_FAILED) static_cast<volatile char*>(map)[0] = 1;
    for (;;) pause();
  }
  std::string stacked = ctx.path("stacked");
  DT_SYS(mkdir(stacked.c_str(), 0755));
  DT_SYS(mount("tmpfs", stacked.c_str(), "tmpfs", 0, "size=1m"));

  int dev = DT_SYS(open(ctx.env().slow_device.c_str(), O_WRONLY | O_CLOEXEC));
  std::vector<uint8_t> junk(1 << 20, 0xAB);
  DT_ASSERT(pwrite(dev, junk.data(), junk.size(), 0) == static_cast<ssize_t>(junk.size()))
      << "could not leave data on the slow device";
  fsync(dev);
  close(dev);
  usleep(200 * 1000);  // let the escaped process map its page
  DT_ASSERT(kill(escaped, 0) == 0) << "the escaped process is not running";
  ctx.note("left behind: files, process " + std::to_string(escaped) + ", a tmpfs on " + stacked +
           ", 1 MiB of 0xAB on the slow device");
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
