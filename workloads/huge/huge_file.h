// An fsdax file mapped with PMDs, proven so: the set-up the workloads that
// split huge mappings start from. The file holds the seed's pattern, was
// allocated in one piece (2 MiB-aligned extents on xfs through the test
// directory's extsize hint, on ext4 through its 2 MiB stripe), is mapped
// 2 MiB aligned, and every 2 MiB of it was faulted in with a NOPAGE
// fs_dax:dax_pmd_fault_done. Without that proof a split would split
// nothing, so a fallback is a FAIL (as in the pmd_fault_* workloads).
#pragma once

#include <cstdint>
#include <string>

namespace dt {
class Context;
}

namespace dt::workloads {

struct PmdMappedFile {
  int fd = -1;
  uint8_t* map = nullptr;
  uint64_t size = 0;
  uint64_t seed = 0;
};

// Creates ctx.path(name) with `size` bytes (a multiple of 2 MiB) of the
// seed's pattern and maps it with `prot` and `flags` (MAP_SHARED or
// MAP_PRIVATE), read-faulting every page; asserts one NOPAGE PMD fault per
// 2 MiB and no fallback. `misalign` shifts the mapping off its 2 MiB
// boundary (for injections that must break the proof).
PmdMappedFile map_pmd_pattern_file(Context& ctx, const std::string& name, uint64_t size,
                                   uint64_t seed, int prot, int flags, uint64_t misalign = 0);

void unmap_and_close(PmdMappedFile& file);

}  // namespace dt::workloads
