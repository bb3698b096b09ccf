// Selftest: host mode refuses a region whose fsdax namespace is mounted. The
// instance's own DAX mount is the victim: 'daxtorture run --region R' as a
// user would type it, confirmed or as a dry run, must stop with the mount
// named, and change nothing (the namespaces and the file on the mount stay).
#include <string>

#include "core/check.h"
#include "core/text_file.h"
#include "workloads/selftest/host_mode.h"
#include "workloads/selftest/own_vm.h"

namespace dt::workloads {
namespace {

const WorkloadSpec spec = {
    .name = "selftest_host_guard_mounted",
    .group = "selftest",
    .summary = "host mode on a region with a mounted namespace: refused, nothing changed",
    .needs = {.mode = NamespaceMode::fsdax, .filesystems = {"xfs"}},
    .timeout = std::chrono::seconds(120),
    .in_default_set = false,
};

void expect_refused(const CommandResult& result, const std::string& how, const std::string& device) {
  DT_EXPECT(result.exit_status == 2) << how << " exited " << result.exit_status
                                     << ", expected 2 (refused); it said: " << result.output;
  DT_EXPECT(result.output.find(device + " is mounted on") != std::string::npos)
      << how << " did not name the mount of " << device << "; it said: " << result.output;
}

void scenario(Context& ctx) {
  require_own_vm(ctx, "points host mode at the VM's own region");
  const std::string device = std::filesystem::path(ctx.env().pmem_device).filename();
  const std::string region = region_of_device(device);
  write_text_file(ctx.path("precious"), "data the guard must protect\n");
  const std::string before = describe_region(region);

  expect_refused(run_in_host_mode({"--region", region, "--dry-run"}), "a dry run", device);
  // Safe to try for real: a working guard stops before the first step.
  expect_refused(run_in_host_mode({"--region", region, "--yes-destroy", "-t", "pmd_fault_xfs"}),
                 "a confirmed run", device);

  DT_EXPECT(describe_region(region) == before) << "the namespaces of " << region << " changed: before\n"
                                               << before << "after\n" << describe_region(region);
  DT_EXPECT(read_text_file(ctx.path("precious")).value_or("") == "data the guard must protect\n")
      << "the file on the mounted namespace changed";
}

DT_WORKLOAD(spec, scenario);

}  // namespace
}  // namespace dt::workloads
