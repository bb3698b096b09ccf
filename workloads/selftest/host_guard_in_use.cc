// Selftest: host mode refuses a region whose devdax namespace is mapped by a
// process (not mounted: only a scan of open files and mappings sees it),
// names the process, and runs once the mapping is gone. Dry runs only, so a
// broken guard cannot destroy the VM's namespaces.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "core/check.h"
#include "workloads/selftest/host_mode.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

enum class Fault { device_released };
const NameTable<Fault> kFaults("a selftest_host_guard_in_use injection", {
    {Fault::device_released, "device_released"},
});

const WorkloadSpec spec = {
    .name = "selftest_host_guard_in_use",
    .group = "selftest",
    .summary = "host mode on a region whose devdax device is mapped: refused, naming the process",
    .needs = {.mode = NamespaceMode::devdax, .filesystems = {}},
    .timeout = std::chrono::seconds(120),
    .in_default_set = false,
    .injections = kFaults,
};

void scenario(Context& ctx) {
  require_own_vm(ctx, "points host mode at the VM's own region");
  const std::string device = std::filesystem::path(ctx.env().dax_device).filename();
  const std::string region = region_of_device(device);

  int fd = DT_SYS(open(ctx.env().dax_device.c_str(), O_RDWR | O_CLOEXEC));
  void* map = mmap(nullptr, ctx.env().dax_align, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  DT_ASSERT(map != MAP_FAILED) << "mmap of " << ctx.env().dax_device << " failed: " << strerror(errno);
  close(fd);  // only the mapping holds the device now
  if (ctx.injected(kFaults, Fault::device_released)) munmap(map, ctx.env().dax_align);

  CommandResult busy = run_in_host_mode({"--region", region, "--dry-run", "-t", "pmd_fault_devdax"});
  DT_EXPECT(busy.exit_status == 2) << "a dry run on " << region << " while " << device
                                   << " is mapped exited " << busy.exit_status
                                   << ", expected 2 (refused); it said: " << busy.output;
  DT_EXPECT(busy.output.find(device + " is mapped by process " + std::to_string(getpid())) !=
            std::string::npos)
      << "the refusal did not name this process's mapping of " << device << "; it said: " << busy.output;

  if (!ctx.injected(kFaults, Fault::device_released)) munmap(map, ctx.env().dax_align);
  CommandResult idle = run_in_host_mode({"--region", region, "--dry-run", "-t", "pmd_fault_devdax"});
  DT_EXPECT(idle.exit_status == 0 && idle.output.find("destructive steps on " + region) != std::string::npos)
      << "with the mapping gone a dry run should list its steps; exit " << idle.exit_status << ": "
      << idle.output;
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
