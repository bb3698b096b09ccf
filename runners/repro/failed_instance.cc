#include "runners/repro/failed_instance.h"

#include <filesystem>

#include "core/errors.h"
#include "runners/results/results_store.h"

namespace fs = std::filesystem;

namespace dt {

FailedInstance load_failed_instance(const std::string& instance_dir) {
  fs::path dir = fs::path(instance_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  if (dir.parent_path().filename() != "instances")
    throw UsageError("'" + instance_dir + "' is not an instance folder; name RUN/instances/NAME of a run "
                     "that 'daxtorture vm' made");
  FailedInstance failed;
  failed.instance_dir = dir.string();
  failed.run_dir = dir.parent_path().parent_path().string();
  if (failed.run_dir.empty()) failed.run_dir = ".";
  failed.run = load_run(failed.run_dir);
  const std::string folder = dir.filename().string();
  const InstanceResult* found = nullptr;
  for (const auto& instance : failed.run.instances)
    if (fs::path(instance_folder(instance.name)).filename() == folder) found = &instance;
  if (!found)
    throw UsageError(failed.run_dir + "/run.json has no instance stored in " + folder +
                     "; list the run's instances with 'ls " + failed.run_dir + "/instances'");
  failed.instance = *found;
  if (!status_is_failure(found->status) || found->status == Status::broken)
    throw UsageError(found->name + " " + (found->status == Status::broken ? "was BROKEN (the suite's own failure)"
                                                                          : std::string("passed")) +
                     " in " + failed.run_dir + ": there is no kernel failure to reproduce; name a FAIL, "
                     "CRASH or TIMEOUT instance");
  const KernelOrigin& origin = failed.run.info.kernel_origin;
  if (origin.kind.empty() || (origin.package.empty() && origin.commit.empty()))
    throw UsageError(failed.run_dir + "/run.json does not say where its kernel came from (no kernel_origin "
                     "package or commit); run the instance again with 'daxtorture vm --kernel-package PKG' "
                     "or a kernel 'daxtorture build' made");
  return failed;
}

}  // namespace dt
