// File and mapping helpers shared by workloads. Failures of the calls here
// are set-up failures (BROKEN), raised through DT_SYS.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "workloads/common/pattern.h"

namespace dt::workloads {

constexpr uint64_t kPageSize = 4096;
constexpr uint64_t kPmdSize = 2ull << 20;
constexpr uint64_t kPudSize = 1ull << 30;

// Creates path (O_RDWR) and writes `size` bytes of the seed's pattern
// through write(2), then fsync. Returns the open descriptor.
int create_pattern_file(const std::string& path, uint64_t size, uint64_t seed);

// Reads [offset, offset + length) with pread(2) and compares with the seed's
// pattern; the first differing run, if any.
std::optional<Mismatch> verify_file_pattern(int fd, uint64_t offset, uint64_t length, uint64_t seed);

// mmap at an address aligned to `alignment` (plus `misalign` bytes, to build
// deliberately misaligned mappings).
void* map_aligned(int fd, uint64_t length, uint64_t alignment, int prot, int flags,
                  uint64_t file_offset = 0, uint64_t misalign = 0);

// Page faults of the calling process so far, minor and major: a DAX write
// fault that allocates or zeroes a block counts as major.
uint64_t page_faults();

// Waits until the thread (of this process) sleeps uninterruptibly, i.e.
// waits in the kernel for I/O; false if that does not happen in time.
bool wait_until_blocked_in_kernel(pid_t tid, double timeout_s);

// Seconds on the monotonic clock.
double monotonic_seconds();

}  // namespace dt::workloads
