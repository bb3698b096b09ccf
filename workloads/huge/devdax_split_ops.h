// Splitting a device-dax mapping, shared by the 2 MiB (PMD) and 1 GiB (PUD)
// workloads: a device-dax mapping can only be split on its alignment, so
// munmap or mprotect of 4 KiB inside one of its pages must be refused with
// EINVAL and leave the mapping whole and working, while the same call over
// a whole page must do what it says to that page only.
#pragma once

#include <cstdint>

#include "workloads/huge/devdax_remap_ops.h"

namespace dt {
class Context;
}

namespace dt::workloads {

// `how` is munmap or mprotect; `page` the device's alignment; `pages`
// how many of them to map (2 or more; with 3 or more the split page has
// neighbours on both sides). Injection "aligned_split": the call that must
// be refused is made over a whole page instead, as a kernel without the
// alignment check would accept the unaligned one; the refusal check fails.
void run_devdax_split(Context& ctx, DevdaxOperation how, uint64_t page, uint64_t pages);

}  // namespace dt::workloads
