#include "runners/releases/release_run.h"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "core/errors.h"
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

bool take_vm_option(Args& args, const std::string& option, std::vector<std::string>& vm_options) {
  if (option != "--accel" && option != "--profile" && option != "--timeout-scale") return false;
  vm_options.insert(vm_options.end(), {option, args.value(option)});
  return true;
}

std::string make_release_folder(const std::string& results, std::string id, const std::string& prefix,
                                const std::string& id_option, const std::vector<Release>& releases) {
  if (id.empty()) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "-%Y%m%d-%H%M%S", std::gmtime(&now));
    id = prefix + stamp;
  }
  const std::string dir = results + "/" + id;
  if (fs::exists(dir)) throw UsageError(dir + " exists; fix: another " + id_option + ", or remove it");
  make_directories(dir);
  std::string listing;
  for (const auto& r : releases) listing += r.version + " " + r.package + " " + r.suite + "\n";
  write_text_file(dir + "/releases.txt", listing);
  return dir;
}

}  // namespace dt
