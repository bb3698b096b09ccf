// An fsdax file mapped with PMDs, proven so: the set-up the workloads that
// split huge mappings start from. The file holds the seed's pattern, was
// allocated in one piece (2 MiB-aligned extents on xfs through the test
// directory's extsize hint, on ext4 through its 2 MiB stripe), is mapped
// 2 MiB aligned, and every 2 MiB of it was faulted in with a NOPAGE
// fs_dax:dax_pmd_fault_done. Without that proof a split would split
// nothing, so a fallback is a FAIL (as in the pmd_fault_* workloads).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "workloads/lib/dax_trace.h"
#include "workloads/lib/page_touch.h"

namespace dt {
class Context;
}

namespace dt::workloads {

// Creates `path` (O_RDWR) allocated in one piece of `size` bytes (a
// multiple of 2 MiB): one fallocate, because ext4's allocator aligns a
// request of whole stripes to the stripe (written piecemeal, it would not)
// and xfs aligns it by the directory's extsize hint. With a seed the file
// then holds the seed's pattern (written through pwrite, then fsync);
// without, it stays unwritten. SetupError when an extent is not 2 MiB
// aligned: without aligned extents a fallback is expected, not a bug.
// Returns the open descriptor.
int create_pmd_aligned_file(const std::string& path, uint64_t size,
                            std::optional<uint64_t> pattern_seed);

// touch_pages over [map, map + length) while fs_dax:dax_pmd_fault_done is
// traced: the trace is kept in the instance's folder
// (trace-dax_pmd_fault_done.txt) and the metrics page_faults, pmd_nopage,
// pmd_fallback and touch_time are recorded. The checks are the caller's.
struct TracedTouch {
  TouchResult touch;
  DaxTraceTally tally;
};
TracedTouch touch_pmd_traced(Context& ctx, uint8_t* map, uint64_t length, bool write,
                             uint64_t seed);

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
