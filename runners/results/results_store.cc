#include "runners/results/results_store.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/errors.h"
#include "core/kernel_info.h"
#include "core/text_file.h"
#include "reports/json_report.h"

namespace dt {

// Milliseconds: instances start within the same second, and KCIDB orders
// test runs by start_time.
std::string utc_timestamp() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  char buffer[40];
  size_t length = strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", gmtime(&now.tv_sec));
  snprintf(buffer + length, sizeof buffer - length, ".%03ldZ", now.tv_nsec / 1000000);
  return buffer;
}

std::string instance_folder(const std::string& instance_name) {
  std::string folder = instance_name;
  for (auto& c : folder)
    if (c == '/') c = '~';
  return "instances/" + folder;
}

std::string default_run_id(const std::string& kernel_release) {
  char buffer[32];
  time_t now = time(nullptr);
  strftime(buffer, sizeof buffer, "%Y%m%d-%H%M%S", gmtime(&now));
  return std::string(buffer) + "-" +
         (kernel_release.empty() ? running_kernel_release() : kernel_release);
}

void prepare_results_dir(const std::string& run_dir) {
  try {
    make_directories(run_dir + "/instances");
    std::string probe = run_dir + "/.write-test";
    write_text_file(probe, "ok\n");
    unlink(probe.c_str());
  } catch (const SetupError& error) {
    throw UsageError("the results directory " + run_dir + " cannot be written (" + error.what() +
                     "); fix: choose a writable place with --results DIR");
  }
}

void save_run(const std::string& run_dir, const RunResult& run) {
  write_file_atomically(run_dir + "/run.json", reports::to_json(run).dump(2) + "\n");
}

void save_instance(const std::string& run_dir, const InstanceResult& instance) {
  std::string folder = run_dir + "/" + instance.artifacts;
  make_directories(folder);
  write_file_atomically(folder + "/instance.json",
                        reports::instance_document(instance).dump(2) + "\n");
}

RunResult load_run(const std::string& run_dir) {
  std::string path = run_dir + "/run.json";
  auto text = read_text_file(path);
  if (!text) throw UsageError("cannot read " + path + ": is " + run_dir + " a results folder?");
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded()) throw UsageError(path + " is not valid JSON");
  try {
    return reports::run_from_json(json);
  } catch (const std::exception& error) {
    throw UsageError(path + ": " + error.what());
  }
}

InstanceResult started_result(const Instance& instance) {
  InstanceResult result;
  result.name = instance.name();
  result.workload = instance.workload->spec.name;
  result.fs = instance.fs;
  result.variant = instance.variant;
  result.fixes = instance.workload->spec.fixes;
  result.started_at = utc_timestamp();
  result.artifacts = instance_folder(result.name);
  return result;
}

InstanceResult not_run_result(const Instance& instance, Status status, const std::string& reason) {
  InstanceResult result = started_result(instance);
  result.status = status;
  result.reason = reason;
  return result;
}

}  // namespace dt
