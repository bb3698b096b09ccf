#include "runners/results/run_finish.h"

#include <filesystem>
#include <iostream>
#include <map>

#include "runners/results/report_files.h"
#include "runners/results/results_store.h"

namespace fs = std::filesystem;

namespace dt {

std::vector<ExpectationFile> expectations_covering(const std::string& path, const std::string& release,
                                                   const std::string& command) {
  if (path.empty()) return {};
  if (fs::is_directory(path)) return expectations_for(path, release);
  ExpectationFile file = load_expectations(path);
  if (!file.covers(release)) {
    std::cerr << "daxtorture " << command << ": " << path << " does not cover kernel " << release << "; ignored\n";
    return {};
  }
  return {file};
}

void finish_run(const std::string& run_dir, RunResult& run, const std::vector<ExpectationFile>& expectations,
                const std::string& artifacts_url) {
  apply_expectations(expectations, run);
  auto& env = run.info.environment;
  for (const auto& file : expectations) env["expectations"] += (env["expectations"].empty() ? "" : " ") + file.path;
  save_run(run_dir, run);
  write_report_files(run_dir, run, artifacts_url);
}

std::string status_counts(const RunResult& run) {
  std::map<Status, size_t> counts;
  for (const auto& instance : run.instances) ++counts[instance.status];
  std::string text;
  for (Status status : {Status::pass, Status::fail, Status::skip, Status::broken, Status::timeout, Status::crash})
    text += (text.empty() ? "" : ", ") + std::to_string(counts[status]) + " " + status_name(status);
  return text;
}

void print_expectation_summary(const RunResult& run, const std::string& command) {
  for (const auto& instance : run.instances)
    if (instance.expectation != Expectation::none)
      std::cerr << "daxtorture " << command << ": " << expectation_name(instance.expectation) << ": "
                << instance.name << " " << status_name(instance.status) << "\n";
}

int run_exit_status(const RunResult& run, const std::vector<ExpectationFile>& expectations) {
  if (!expectations.empty()) return has_new_failures(run) ? 1 : 0;
  return status_is_failure(overall_status(run)) ? 1 : 0;
}

}  // namespace dt
