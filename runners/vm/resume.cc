#include "runners/vm/resume.h"

#include <filesystem>
#include <map>

#include "core/errors.h"
#include "core/text_file.h"
#include "runners/results/results_store.h"

namespace dt {

bool ran_to_a_verdict(const InstanceResult& instance) {
  return instance.reason.rfind("not run", 0) != 0 &&
         instance.reason.find("interrupted on the host") == std::string::npos;
}

ResumePlan plan_resume(const std::string& run_dir, const std::string& kernel_release) {
  ResumePlan plan;
  plan.previous = load_run(run_dir);
  if (plan.previous.info.kernel_release != kernel_release)
    throw UsageError(run_dir + " was run on kernel " + plan.previous.info.kernel_release +
                     ", not " + kernel_release + "; fix: resume it with the same kernel");
  for (const auto& instance : plan.previous.instances) {
    if (instance.name.find('#') != std::string::npos)
      throw UsageError("resuming a --repeat run is not supported; start a new run");
    if (!ran_to_a_verdict(instance)) plan.remaining.push_back(instance.name);
  }
  make_directories(run_dir + "/.guest");
  std::filesystem::rename(run_dir + "/run.json", run_dir + "/.guest/previous-run.json");
  return plan;
}

RunResult merge_resumed(const ResumePlan& plan, const RunResult& fresh) {
  std::map<std::string, const InstanceResult*> fresh_by_name;
  for (const auto& instance : fresh.instances) fresh_by_name[instance.name] = &instance;
  RunResult merged = fresh;
  merged.info.started_at = plan.previous.info.started_at;
  merged.instances.clear();
  for (const auto& instance : plan.previous.instances) {
    auto it = fresh_by_name.find(instance.name);
    merged.instances.push_back(ran_to_a_verdict(instance) || it == fresh_by_name.end()
                                   ? instance : *it->second);
  }
  return merged;
}

}  // namespace dt
