#include "runners/releases/release_run.h"

#include <chrono>
#include <filesystem>

#include "core/text_file.h"
#include "runners/kernel/logged_process.h"
#include "runners/results/results_store.h"

namespace fs = std::filesystem;

namespace dt {

ReleaseRun run_release(const ReleaseRunRequest& request) {
  ReleaseRun result;
  make_directories(request.results);
  result.run_dir = request.results + "/" + request.run_id;
  result.log = result.run_dir + ".vm.log";
  std::vector<std::string> argv = {fs::read_symlink("/proc/self/exe"), "vm", "--kernel-package",
                                   request.release.package, "--results", request.results, "--run-id",
                                   request.run_id, "--no-expectations", "--jobs", std::to_string(request.guests)};
  for (const auto& pattern : request.patterns) argv.insert(argv.end(), {"-t", pattern});
  if (request.repeat > 1) argv.insert(argv.end(), {"--repeat", std::to_string(request.repeat)});
  argv.insert(argv.end(), request.vm_options.begin(), request.vm_options.end());
  const auto started = std::chrono::steady_clock::now();
  result.exit_status = run_logged({argv, "", {}, result.log, nullptr, 60});
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.ran = fs::exists(result.run_dir + "/run.json");
  if (result.ran) result.run = load_run(result.run_dir);
  return result;
}

}  // namespace dt
