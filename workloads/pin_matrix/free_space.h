// Shrinks a filesystem's free space to a little room, so that blocks a
// layout change frees are the ones the next allocation receives: a late DMA
// into a freed block then lands in a file the workload wrote and verifies.
#pragma once

#include <cstdint>

namespace dt {
class Context;
}

namespace dt::workloads {

// Fallocates ctx.path("ballast") (2 MiB multiples, without writing) until
// about `spare` bytes are left free in the test directory's filesystem;
// records the free space left as the metric free_space_after_ballast.
void leave_free_space(Context& ctx, uint64_t spare);

}  // namespace dt::workloads
