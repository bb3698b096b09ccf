// mmap at a chosen alignment: a DAX mapping is served with PMD (PUD) pages
// only where its address is 2 MiB (1 GiB) aligned, so workloads place their
// mappings on purpose, aligned or deliberately off by `misalign`.
#pragma once

#include <cstdint>

#include "workloads/lib/page_sizes.h"

namespace dt::workloads {

// mmap at an address aligned to `alignment` (plus `misalign` bytes, to build
// deliberately misaligned mappings). A failed mmap is BROKEN (DT_SYS).
void* map_aligned(int fd, uint64_t length, uint64_t alignment, int prot, int flags,
                  uint64_t file_offset = 0, uint64_t misalign = 0);

}  // namespace dt::workloads
