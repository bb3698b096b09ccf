// A file's extents from FIEMAP, to check the alignment precondition of huge
// faults (physical extents on 2 MiB boundaries) before blaming the kernel
// for a fallback.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dt::workloads {

struct Extent {
  uint64_t logical = 0;
  uint64_t physical = 0;
  uint64_t length = 0;
  uint32_t flags = 0;
};

std::vector<Extent> file_extents(int fd);

// "" when every extent starts on an `alignment` boundary both logically and
// physically; else a description of the first one that does not.
std::string misaligned_extent(const std::vector<Extent>& extents, uint64_t alignment);

// "[0, 2 MiB) at 16 MiB unwritten; ..." in KiB/MiB units, for notes; "none"
// for a file without extents.
std::string describe_extents(const std::vector<Extent>& extents);

}  // namespace dt::workloads
