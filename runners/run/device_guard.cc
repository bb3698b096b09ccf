#include "runners/run/device_guard.h"

#include <filesystem>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace dt {

namespace {
const char* kNdBus = "/sys/bus/nd/devices";

// Block devices of the region's namespaces ("pmem1", "pmem1.2").
std::vector<std::string> region_block_devices(const std::string& region) {
  std::vector<std::string> devices;
  std::error_code error;
  for (const auto& ns : std::filesystem::directory_iterator(std::string(kNdBus) + "/" + region, error)) {
    const std::string name = ns.path().filename();
    if (name.rfind("namespace", 0) != 0) continue;
    for (const auto& child : std::filesystem::directory_iterator(ns.path() / "block", error))
      devices.push_back(child.path().filename());
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
  if (auto busy = mounted_device(region_block_devices(region)); !busy.empty())
    throw UsageError("refusing " + region + ": " + busy + "; unmount it first");
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
