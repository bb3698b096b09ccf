// The default number of parallel guests from the machine, and --jobs input.
#include "runners/vm/job_count.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace dt {
namespace {

constexpr uint64_t GiB = 1ull << 30;

HostResources machine(unsigned cores, uint64_t memory, uint64_t disk) {
  HostResources host;
  host.cores = cores;
  host.available_memory = memory;
  host.free_disk = disk;
  return host;
}

TEST(JobCount, DefaultIsTheLeastOfCoresMemoryAndDisk) {
  MachineProfile profile;  // 2 GiB RAM, 6 GiB NVDIMM, 2 vCPUs, single-threaded TCG
  // This build machine: 2 cores, 21 GiB available, plenty of disk.
  JobLimits here = job_limits(machine(2, 21 * GiB, 78 * GiB), profile, "tcg");
  EXPECT_EQ(here.threads_per_guest, 1);
  EXPECT_EQ(here.memory_per_guest, 2 * GiB + 6 * GiB + kQemuOverhead);
  EXPECT_EQ(here.by_cores, 2);
  EXPECT_EQ(here.by_memory, 2);
  EXPECT_EQ(here.best(), 2);
  // Memory bound: 8 cores, 20 GiB.
  EXPECT_EQ(job_limits(machine(8, 20 * GiB, 100 * GiB), profile, "tcg").best(), 2);
  // Disk bound: 8 cores, 64 GiB, 13 GiB free.
  EXPECT_EQ(job_limits(machine(8, 64 * GiB, 13 * GiB), profile, "tcg").best(), 2);
  // KVM: each guest's vCPUs are host threads.
  EXPECT_EQ(job_limits(machine(8, 64 * GiB, 100 * GiB), profile, "kvm").by_cores, 4);
  profile.tcg_thread = "multi";
  EXPECT_EQ(job_limits(machine(8, 64 * GiB, 100 * GiB), profile, "tcg").threads_per_guest, 2);
  // Never less than one guest, even on a machine that fits none.
  EXPECT_EQ(job_limits(machine(1, 1 * GiB, 1 * GiB), profile, "tcg").best(), 1);
}

TEST(JobCount, ParsesWholePositiveNumbersOnly) {
  EXPECT_EQ(parse_jobs("1"), 1);
  EXPECT_EQ(parse_jobs("4"), 4);
  for (const char* bad : {"0", "x", "", "-1", "1.5", "2x", "99999"}) EXPECT_THROW(parse_jobs(bad), UsageError) << bad;
  try {
    parse_jobs("0");
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(), "--jobs takes the number of guests to run side by side, 1 or more, not '0'; fix: "
                               "e.g. --jobs 2, or leave it out for the default from this machine's cores and memory");
  }
}

TEST(JobCount, RefusesWhatRamOrDiskCannotHoldAndSuggestsAJ) {
  MachineProfile profile;  // 2 GiB RAM + 512 MiB QEMU = 2.5 GiB that must fit per guest, 6 GiB NVDIMM
  JobLimits limits = job_limits(machine(2, 21 * GiB, 78 * GiB), profile, "tcg");
  EXPECT_EQ(limits.by_ram, 8);
  EXPECT_EQ(check_jobs_fit(2, limits, "/r"), "");
  EXPECT_EQ(check_jobs_fit(0, limits, "/r"), "");  // the default
  // The NVDIMMs overflow the memory: a warning with the J that fits.
  EXPECT_EQ(check_jobs_fit(3, limits, "/r"),
            "--jobs 3: the guests' RAM and NVDIMMs need 25.5 GiB (8.5 GiB each), 21.0 GiB are available; NVDIMM "
            "pages are page cache, written back to their files under pressure, so the run goes on, maybe slower; "
            "--jobs 2 fits");
  try {
    check_jobs_fit(9, limits, "/r");
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(), "--jobs 9 needs 22.5 GiB of memory for the guests' RAM and QEMU (2.5 GiB each), "
                               "21.0 GiB are available; fix: --jobs 8, or a profile with less memory");
  }
  JobLimits small_disk = job_limits(machine(8, 64 * GiB, 13 * GiB), profile, "tcg");
  try {
    check_jobs_fit(4, small_disk, "/r");
    FAIL();
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(), "--jobs 4 needs 24.0 GiB of disk for the NVDIMM backing files in /r, 13.0 GiB are "
                               "free; fix: --jobs 2, free space, or --results on a larger filesystem");
  }
  // Cores only slow guests down: not refused.
  EXPECT_EQ(check_jobs_fit(4, job_limits(machine(1, 64 * GiB, 100 * GiB), profile, "tcg"), "/r"), "");
  // One guest is never refused (as before --jobs existed).
  EXPECT_EQ(check_jobs_fit(1, job_limits(machine(1, 1 * GiB, 1 * GiB), profile, "tcg"), "/r"), "");
}

}  // namespace
}  // namespace dt
