// How many guests run side by side (`daxtorture vm --jobs J`). Each guest
// needs a host core for its vCPUs (one under single-threaded TCG, the
// profile's cpus under KVM or multi-threaded TCG), its RAM and its NVDIMM
// (the backing file is mapped shared, so the pages the guest touches sit in
// the host's page cache) plus QEMU's own overhead, and disk for the
// NVDIMM backing file (sparse, but every byte the guest writes lands in it).
// The default J is the largest that all three allow, at least 1.
#pragma once

#include <cstdint>
#include <string>

#include "runners/vm/machine_profile.h"

namespace dt {

struct HostResources {
  unsigned cores = 1;             // online CPUs
  uint64_t available_memory = 0;  // MemAvailable
  uint64_t free_disk = 0;         // where the NVDIMM backing files go
};

// Reads /proc/meminfo, the online CPUs and statvfs(disk_dir).
HostResources probe_host_resources(const std::string& disk_dir);

// QEMU's own memory beside the guest's RAM (translation cache, devices).
inline constexpr uint64_t kQemuOverhead = 512ull << 20;

struct JobLimits {
  int by_cores = 1;
  int by_memory = 1;
  int by_disk = 1;
  uint64_t memory_per_guest = 0;
  uint64_t disk_per_guest = 0;
  int threads_per_guest = 1;
  HostResources host;
  int best() const;  // min of the three, at least 1
};

// `accel`: "tcg" or "kvm".
JobLimits job_limits(const HostResources& host, const MachineProfile& profile, const std::string& accel);

// "--jobs" value: a whole number >= 1; UsageError naming the fix otherwise.
int parse_jobs(const std::string& text);

// UsageError when `jobs` guests do not fit the memory or the disk (cores
// only slow them down): names what is short and the J that fits.
void check_jobs_fit(int jobs, const JobLimits& limits, const std::string& disk_dir);

// "J=2: 2 cores / 1 host thread per guest, 21 GiB free / 8.5 GiB per guest, ..." for run.json.
std::string describe_job_limits(const JobLimits& limits);

}  // namespace dt
