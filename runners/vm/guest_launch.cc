#include "runners/vm/guest_launch.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "runners/vm/accelerator.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
std::string random_token() {
  std::random_device entropy;
  char buffer[17];
  snprintf(buffer, sizeof buffer, "%08x%08x", entropy(), entropy());
  return buffer;
}

void require_space_for_nvdimm(const std::string& file, uint64_t size) {
  struct statvfs info {};
  std::string dir = fs::path(file).parent_path();
  if (statvfs(dir.c_str(), &info) != 0) return;
  uint64_t free_bytes = static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
  // The file is sparse, but every byte the guest writes to pmem lands in it.
  if (free_bytes < size)
    throw UsageError("no space for the NVDIMM backing file in " + dir + ": it needs " +
                     std::to_string(size >> 20) + " MiB, " + std::to_string(free_bytes >> 20) +
                     " MiB are free; fix: free space, pass --nvdimm FILE on a larger filesystem, "
                     "or lower nvdimm_size in the profile");
}
}  // namespace

std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

QemuLaunch prepare_guest_launch(const GuestKernel& kernel, const MachineProfile& profile,
                                const std::string& run_dir, const std::string& nvdimm,
                                const std::string& accel, bool quiet) {
  const std::string guest_dir = run_dir + "/.guest";
  make_directories(guest_dir);
  QemuLaunch launch;
  launch.kernel = kernel;
  launch.profile = profile;
  launch.run_dir = run_dir;
  launch.token = random_token();
  // Short and fixed: a unix socket path may not exceed 107 bytes.
  launch.monitor_socket = "/tmp/daxtorture-" + launch.token + ".monitor";
  launch.ktap_file = guest_dir + "/ktap.stream";
  launch.nvdimm_file = nvdimm.empty() ? guest_dir + "/nvdimm.img" : fs::absolute(nvdimm).string();
  require_space_for_nvdimm(launch.nvdimm_file, profile.nvdimm_size);
  if (!fs::exists(launch.nvdimm_file)) {
    std::ofstream(launch.nvdimm_file).close();
    fs::resize_file(launch.nvdimm_file, profile.nvdimm_size);
  }

  launch.image = prepare_guest_image(kernel, !quiet);
  launch.initramfs = launch.image.path;
  launch.accel = choose_accelerator(accel, launch, guest_dir, !quiet);
  return launch;
}

QemuLaunch launch_for_guest(const QemuLaunch& first, int guest) {
  QemuLaunch launch = first;
  const std::string dir = first.run_dir + "/.guest/g" + std::to_string(guest);
  make_directories(dir);
  launch.token = random_token();
  launch.monitor_socket = "/tmp/daxtorture-" + launch.token + ".monitor";
  launch.ktap_file = dir + "/ktap.stream";
  launch.nvdimm_file = dir + "/nvdimm.img";
  require_space_for_nvdimm(launch.nvdimm_file, first.profile.nvdimm_size);
  std::error_code ignored;
  fs::remove(launch.nvdimm_file, ignored);
  std::ofstream(launch.nvdimm_file).close();
  fs::resize_file(launch.nvdimm_file, first.profile.nvdimm_size);
  return launch;
}

// A guest that dies before its userspace ran nothing: boot it again. TCG
// occasionally crashes a kernel while it patches its own text at boot.
GuestSessionOutcome boot_until_userspace(const QemuLaunch& launch, const std::string& console_log,
                                         const GuestSessionLimits& limits, int& attempts) {
  constexpr int kBootAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    ++attempts;
    GuestSessionOutcome outcome = run_guest_session(launch, console_log, limits);
    bool died_early = !outcome.reached_userspace && outcome.init_fatal.empty() &&
                      !outcome.deadline_hit && !outcome.silent_too_long && !outcome.interrupted;
    if (!died_early || attempt == kBootAttempts) return outcome;
    std::cerr << "daxtorture vm: " << limits.label << "the guest died before its userspace started ("
              << (outcome.panic_line.empty() ? "no panic line" : outcome.panic_line)
              << "); booting again, attempt " << attempt + 1 << " of " << kBootAttempts << std::endl;
    std::filesystem::remove(launch.ktap_file);
    // A QEMU that could not start (its package being upgraded right now)
    // gets a moment before the next attempt.
    if (outcome.seconds < 5) sleep(5);
  }
}

void clean_up_guest_launch(const QemuLaunch& launch, bool keep_nvdimm) {
  if (!keep_nvdimm) fs::remove(launch.nvdimm_file);
  fs::remove(launch.monitor_socket);
}

}  // namespace dt
