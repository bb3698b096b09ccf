// How many guests run side by side (`daxtorture vm --jobs J`). Each guest
// needs a host core for its vCPUs (one under single-threaded TCG, the
// profile's cpus under KVM or multi-threaded TCG), its RAM and its NVDIMM
// (the backing file is mapped shared, so the pages the guest touches sit in
// the host's page cache) plus QEMU's own overhead, and disk for the
// NVDIMM backing file (sparse, but every byte the guest writes lands in it).
// The default J is the largest that all three allow, at least 1.
//
// A J given with --jobs is held to less: the guests' RAM and QEMU's own
// memory are anonymous (no swap here) and must fit, and so must the disk;
// the NVDIMM pages are page cache the kernel writes back to their file and
// reclaims under pressure, so a J whose NVDIMMs do not all fit in memory
// is slower, not broken, and gets a warning naming the J that fits.
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
  int by_memory = 1;  // RAM + NVDIMM + QEMU per guest: the default's rule
  int by_ram = 1;     // RAM + QEMU per guest: what an explicit J must fit
  int by_disk = 1;
  uint64_t memory_per_guest = 0;
  uint64_t ram_per_guest = 0;
  uint64_t disk_per_guest = 0;
  int threads_per_guest = 1;
  HostResources host;
  int best() const;  // min of the three, at least 1
};

// `accel`: "tcg" or "kvm".
JobLimits job_limits(const HostResources& host, const MachineProfile& profile, const std::string& accel);

// "--jobs" value: a whole number >= 1; UsageError naming the fix otherwise.
int parse_jobs(const std::string& text);

// UsageError when `jobs` guests' RAM or NVDIMM files do not fit the memory
// or the disk (cores only slow them down), naming what is short and the J
// that fits; a warning ("" for none) when their NVDIMMs do not all fit in
// memory too. 0 and 1 are never refused (the default, and one guest).
std::string check_jobs_fit(int jobs, const JobLimits& limits, const std::string& disk_dir);

// "J=2: 2 cores / 1 host thread per guest, 21 GiB free / 8.5 GiB per guest, ..." for run.json.
std::string describe_job_limits(const JobLimits& limits);

}  // namespace dt
