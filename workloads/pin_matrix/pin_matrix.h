// The pinned-DMA-versus-layout-change matrix: one scenario, many coordinates.
//
// A pin source holds references to DAX pages of file F for a controlled
// time; while it is provably live, a layout change is applied to F in one of
// several mapping states. Every cell checks the same four things:
//   1. the change does not complete while the pin is live, sleeps while it
//      waits (a wait that spins used its whole length in CPU), and completes
//      promptly once the pin drops (no missed wake-up);
//   2. no freed block receives (or leaks through) the late DMA: free space is
//      refilled with known patterns right after the change returns, every
//      byte of those files is verified after the I/O, and what the I/O moved
//      (device data, pipe data) is compared with F's data;
//   3. F holds what the operation says (zeroes, shifted data, no name, ...);
//   4. the kernel log slice is clean (the runner checks it).
//
// A variant names its cell (pin_cell.h): "CHANGE.MAPPING.PAGE", e.g.
// "punch_hole.unmapped.pmd"; workloads covering several pin sources prefix
// the source ("dio_read.truncate.mapped.4k"). The workloads are registered
// from one table (pin_sources.cc).
#pragma once

#include <string>
#include <vector>

#include "core/name_table.h"
#include "core/spec.h"
#include "workloads/pin_matrix/pin_cell.h"

namespace dt {
class Context;
}

namespace dt::workloads {

// The fixes the matrix guards (sha + subject verified against mainline).
std::vector<FixTag> pin_matrix_fixes();

// The faults every matrix workload can simulate, one per check:
//   change_unpinned     the change hits an unpinned twin of F, as a kernel
//                       that skipped the busy-page wait would: check 1 fails
//   dma_into_fill_file  the pin's buffer lies in a file written into free
//                       space, as if the kernel had freed and reused the
//                       pinned block: check 2 fails with file and offsets
//   change_skipped      the change waits for the pin and then does nothing:
//                       check 3 fails (F is not what the operation says)
//   kernel_taint        the WARN taint is set during the instance, as a
//                       WARN_ON in dax_disassociate_entry would: check 4 fails
enum class PinFault { change_unpinned, dma_into_fill_file, change_skipped, kernel_taint };
const NameTable<PinFault>& pin_faults();

// Needs shared by the matrix workloads: fsdax on xfs and ext4, the slow device.
Needs pin_matrix_needs(uint64_t slow_delay_ms = 2500);

// Runs `cell`, whose source must be set.
void run_pin_matrix_cell(Context& ctx, const PinCell& cell);

}  // namespace dt::workloads
