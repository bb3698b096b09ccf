// For the host-mode guard selftests: the region a namespace device belongs
// to, and 'daxtorture run' started as a user on a real machine would start
// it (no --vm-guest token), so the guard judges it as a host run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/command.h"
#include "core/errors.h"

namespace dt::workloads {

// "region0" for /dev/pmem0 or /dev/dax0.1: the sysfs path of the device
// runs through its region.
inline std::string region_of_device(const std::string& device) {
  std::string name = std::filesystem::path(device).filename();
  for (const char* klass : {"/sys/class/block/", "/sys/bus/dax/devices/"}) {
    std::error_code error;
    auto real = std::filesystem::canonical(klass + name, error);
    if (error) continue;
    for (const auto& part : real)
      if (part.string().rfind("region", 0) == 0) return part.string();
  }
  throw SetupError("cannot find the pmem region of " + device + " in sysfs");
}

inline CommandResult run_in_host_mode(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"/proc/self/exe", "run"});
  return run_command(arguments, std::chrono::seconds(60));
}

// The namespaces of a region and their modes and sizes, to show that a dry
// run changed nothing.
inline std::string describe_region(const std::string& region) {
  return run_command({"ndctl", "list", "-N", "-r", region}, std::chrono::seconds(30)).output;
}

}  // namespace dt::workloads
