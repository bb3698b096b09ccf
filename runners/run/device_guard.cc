#include "runners/run/device_guard.h"

#include <filesystem>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace dt {

namespace {
namespace fs = std::filesystem;
const char* kNdBus = "/sys/bus/nd/devices";

// Device nodes ("pmem1", "pmem1.2", "dax1.0") whose sysfs device sits under
// the region: block devices of fsdax/raw namespaces and devdax characters.
std::vector<std::string> region_devices(const std::string& region) {
  std::vector<std::string> devices;
  for (const char* klass : {"/sys/class/block", "/sys/bus/dax/devices"}) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(klass, error)) {
      auto real = fs::canonical(entry.path(), error).string();
      if (!error && real.find("/" + region + "/") != std::string::npos)
        devices.push_back(entry.path().filename());
    }
  }
  return devices;
}

std::string mounted_device(const std::vector<std::string>& devices) {
  auto mounts = read_text_file("/proc/self/mounts").value_or("");
  std::istringstream lines(mounts);
  std::string source, target;
  std::string rest;
  while (lines >> source >> target && std::getline(lines, rest))
    for (const auto& device : devices)
      if (source == "/dev/" + device) return device + " is mounted on " + target;
  return "";
}

// A process that has one of the devices open or mapped (a database on
// devdax, a benchmark, a partition tool): destroying the namespace under it
// would pull its memory away. Also catches device-mapper or md stacked on a
// block device, through its holders.
std::string device_in_use(const std::vector<std::string>& devices) {
  for (const auto& device : devices) {
    std::error_code error;
    if (!fs::is_empty("/sys/class/block/" + device + "/holders", error) && !error)
      return device + " is held by " +
             fs::directory_iterator("/sys/class/block/" + device + "/holders")->path().filename().string() +
             " (device-mapper or md)";
  }
  std::error_code error;
  for (const auto& proc : fs::directory_iterator("/proc", error)) {
    const std::string pid = proc.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto comm = read_first_line(proc.path() / "comm").value_or("?");
    std::error_code fd_error;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", fd_error)) {
      std::error_code link_error;
      auto target = fs::read_symlink(fd.path(), link_error).string();
      for (const auto& device : devices)
        if (!link_error && target == "/dev/" + device)
          return device + " is open in process " + pid + " (" + comm + ")";
    }
    auto maps = read_text_file(proc.path() / "maps").value_or("");
    for (const auto& device : devices)
      if (maps.find(" /dev/" + device + "\n") != std::string::npos)
        return device + " is mapped by process " + pid + " (" + comm + ")";
  }
  return "";
}
}  // namespace

RegionClaim claim_vm_region(const std::string& token) {
  auto cmdline = read_text_file("/proc/cmdline").value_or("");
  if (token.empty() || cmdline.find("daxtorture.vm=" + token) == std::string::npos)
    throw UsageError("--vm-guest is for the guest that 'daxtorture vm' boots; this kernel's "
                     "command line has no matching daxtorture.vm token. On a real machine use "
                     "--region REGION --yes-destroy instead");
  return {true, "", "the NVDIMM of this daxtorture VM (token " + token + ")"};
}

RegionClaim claim_host_region(const std::string& region, bool confirmed) {
  if (region.rfind("region", 0) != 0)
    throw UsageError("'" + region + "' is not a region name; name one from 'ndctl list -R' "
                     "such as region1");
  std::string path = std::string(kNdBus) + "/" + region;
  if (!std::filesystem::exists(path))
    throw UsageError("no pmem region " + region + " on this machine (" + path +
                     " is missing); list regions with 'ndctl list -R'");
  auto type = read_first_line(path + "/nstype").value_or("");
  auto devtype = read_first_line(path + "/devtype").value_or("");
  if (devtype != "nd_pmem" && type.empty())
    throw UsageError(region + " is not a pmem region (devtype '" + devtype +
                     "'); name a pmem region");
  auto devices = region_devices(region);
  if (auto busy = mounted_device(devices); !busy.empty())
    throw UsageError("refusing " + region + ": " + busy + "; unmount it first");
  if (auto busy = device_in_use(devices); !busy.empty())
    throw UsageError("refusing " + region + ": " + busy + "; stop what uses it first");
  if (!confirmed)
    throw UsageError("running on " + region + " destroys every namespace and all data on it; "
                     "add --yes-destroy to confirm, or --dry-run to see the steps");
  return {true, region, "named by the user with --yes-destroy"};
}

std::vector<std::string> destructive_steps(const RegionClaim& claim) {
  std::string region = claim.region.empty() ? "the first pmem region" : claim.region;
  return {
      "initialize namespace labels on the DIMMs of " + region + " if they have none",
      "delete every namespace in " + region,
      "create an fsdax namespace (and devdax namespaces for devdax workloads) in " + region,
      "for every fsdax instance: mkfs.xfs or mkfs.ext4 on that namespace, mount -o dax",
      "for slow-device instances: load brd and create a dm-delay mapping over /dev/ram0",
      "at the end: delete the namespaces it created",
  };
}

}  // namespace dt
