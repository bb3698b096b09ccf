// Files whose every word is the seeded pattern of pattern.h, written and
// verified through write(2) and pread(2). Failed calls are set-up failures
// (BROKEN), raised through DT_SYS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "workloads/lib/pattern.h"

namespace dt::workloads {

// Creates path (O_RDWR) and writes `size` bytes of the seed's pattern
// through write(2), then fsync. Returns the open descriptor.
int create_pattern_file(const std::string& path, uint64_t size, uint64_t seed);

// Reads [offset, offset + length) with pread(2) and compares with the seed's
// pattern; the first differing run, if any.
std::optional<Mismatch> verify_file_pattern(int fd, uint64_t offset, uint64_t length, uint64_t seed);

}  // namespace dt::workloads
