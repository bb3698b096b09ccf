#include "runners/vm/job_count.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace dt {

namespace {
std::string gibibytes(uint64_t bytes) {
  std::ostringstream text;
  text.precision(1);
  text << std::fixed << static_cast<double>(bytes) / (1ull << 30) << " GiB";
  return text.str();
}

int fits(uint64_t have, uint64_t each) {
  return each == 0 ? 1 << 20 : static_cast<int>(std::min<uint64_t>(have / each, 1 << 20));
}
}  // namespace

HostResources probe_host_resources(const std::string& disk_dir) {
  HostResources host;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  host.cores = cores > 0 ? static_cast<unsigned>(cores) : 1;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") host.available_memory = kib << 10;
  struct statvfs info {};
  if (statvfs(disk_dir.c_str(), &info) == 0)
    host.free_disk = static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
  return host;
}

int JobLimits::best() const { return std::max(1, std::min({by_cores, by_memory, by_disk})); }

JobLimits job_limits(const HostResources& host, const MachineProfile& profile, const std::string& accel) {
  JobLimits limits;
  limits.host = host;
  // Single-threaded TCG runs every vCPU of a guest on one host thread.
  limits.threads_per_guest = accel != "kvm" && profile.tcg_thread == "single" ? 1 : std::max(1, profile.cpus);
  limits.memory_per_guest = profile.memory + profile.nvdimm_size + kQemuOverhead;
  limits.ram_per_guest = profile.memory + kQemuOverhead;
  limits.disk_per_guest = profile.nvdimm_size;
  limits.by_cores = std::max(1, static_cast<int>(host.cores) / limits.threads_per_guest);
  limits.by_memory = fits(host.available_memory, limits.memory_per_guest);
  limits.by_ram = fits(host.available_memory, limits.ram_per_guest);
  limits.by_disk = fits(host.free_disk, limits.disk_per_guest);
  return limits;
}

int parse_jobs(const std::string& text) {
  bool digits = !text.empty() && text.size() <= 4 && text.find_first_not_of("0123456789") == std::string::npos;
  int jobs = digits ? std::stoi(text) : 0;
  if (jobs < 1)
    throw UsageError("--jobs takes the number of guests to run side by side, 1 or more, not '" + text +
                     "'; fix: e.g. --jobs 2, or leave it out for the default from this machine's cores and memory");
  return jobs;
}

std::string check_jobs_fit(int jobs, const JobLimits& limits, const std::string& disk_dir) {
  if (jobs <= 1) return "";
  const std::string asked = "--jobs " + std::to_string(jobs);
  if (jobs > limits.by_ram)
    throw UsageError(asked + " needs " + gibibytes(jobs * limits.ram_per_guest) +
                     " of memory for the guests' RAM and QEMU (" + gibibytes(limits.ram_per_guest) + " each), " +
                     gibibytes(limits.host.available_memory) + " are available; fix: --jobs " +
                     std::to_string(std::max(1, std::min(limits.by_ram, limits.by_disk))) +
                     ", or a profile with less memory");
  if (jobs > limits.by_disk)
    throw UsageError(asked + " needs " + gibibytes(jobs * limits.disk_per_guest) +
                     " of disk for the NVDIMM backing files in " + disk_dir + ", " +
                     gibibytes(limits.host.free_disk) + " are free; fix: --jobs " +
                     std::to_string(std::max(1, std::min(limits.by_ram, limits.by_disk))) +
                     ", free space, or --results on a larger filesystem");
  if (jobs > limits.by_memory)
    return asked + ": the guests' RAM and NVDIMMs need " + gibibytes(jobs * limits.memory_per_guest) + " (" +
           gibibytes(limits.memory_per_guest) + " each), " + gibibytes(limits.host.available_memory) +
           " are available; NVDIMM pages are page cache, written back to their files under pressure, so the "
           "run goes on, maybe slower; --jobs " + std::to_string(std::max(1, limits.by_memory)) + " fits";
  return "";
}

std::string describe_job_limits(const JobLimits& limits) {
  const HostResources& host = limits.host;
  return "cores " + std::to_string(host.cores) + " / " + std::to_string(limits.threads_per_guest) +
         " host thread(s) per guest = " + std::to_string(limits.by_cores) + "; memory " +
         gibibytes(host.available_memory) + " / " + gibibytes(limits.memory_per_guest) + " = " +
         std::to_string(limits.by_memory) + " (RAM alone: " + std::to_string(limits.by_ram) + "); disk " + gibibytes(host.free_disk) + " / " +
         gibibytes(limits.disk_per_guest) + " = " + std::to_string(limits.by_disk);
}

}  // namespace dt
