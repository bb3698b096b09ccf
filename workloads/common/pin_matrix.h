// The pinned-DMA-versus-layout-change matrix: one scenario, many coordinates.
//
// A pin source holds references to DAX pages of file F for a controlled
// time; while it is provably live, a layout change is applied to F in one of
// several mapping states. Every cell checks the same four things:
//   1. the change does not complete while the pin is live, and completes
//      promptly once it drops (no missed wake-up);
//   2. no freed block receives (or leaks through) the late DMA: free space is
//      refilled with known patterns right after the change returns, every
//      byte of those files is verified after the I/O, and what the I/O moved
//      (device data, pipe data) is compared with F's data;
//   3. F holds what the operation says (zeroes, shifted data, no name, ...);
//   4. the kernel log slice is clean (the runner checks it).
//
// A variant names its cell: "CHANGE.MAPPING.PAGE", e.g. "punch_hole.unmapped.pmd";
// workloads covering several pin sources prefix the source ("dio_read.truncate.mapped.4k").
#pragma once

#include <string>
#include <vector>

#include "core/spec.h"

namespace dt {
class Context;
}

namespace dt::workloads {

enum class PinSource { dio_read, dio_write, uring_read, uring_write, vmsplice };

// Every "CHANGE.MAPPING.PAGE" cell, in a stable order: each change in each
// mapping state and page size, and umount with F closed (the only state in
// which the filesystem is not busy).
std::vector<std::string> pin_matrix_cells();

// "SOURCE.clone_over.MAPPING.PAGE" for every source, mapping and page size:
// the reflink-only change, for xfs made with reflink=1.
std::vector<std::string> pin_matrix_reflink_variants();

// `prefix + "." + cell` for every cell.
std::vector<std::string> pin_matrix_variants(const std::string& prefix);

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
std::vector<std::string> pin_matrix_injections();

// Needs shared by the matrix workloads: fsdax on xfs and ext4, the slow device.
Needs pin_matrix_needs(uint64_t slow_delay_ms = 2500);

// Runs the cell named by `cell` ("CHANGE.MAPPING.PAGE") with `source`.
void run_pin_matrix_cell(Context& ctx, PinSource source, const std::string& cell);

// Splits "SOURCE.CHANGE.MAPPING.PAGE" (SOURCE: dio_read, dio_write,
// uring_read, uring_write, vmsplice) and runs it.
void run_pin_matrix_variant(Context& ctx, const std::string& variant);

}  // namespace dt::workloads
