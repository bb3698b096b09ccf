// Teardown under a held DAX page: one scenario for every lifecycle cell.
//
// A page of the instance's fsdax file F (or of its devdax device) is held,
// then the device under it is torn down (umount, namespace disable, devdax
// reconfigure, driver unbind). Variants name the hold:
//   mapped  the page is mapped shared and touched, F's descriptor closed;
//           the mapping is the only hold. If the teardown is still blocked
//           after 5 s, the mapping is dropped (a wait for the mapping is a
//           correct outcome, and must end when the mapping does).
//   pinned  an O_DIRECT read from the slow device into the mapped page is
//           proven in flight, then the mapping is dropped and F closed:
//           the DMA pin is the only hold (with the mapping kept, the cell
//           would test the mapping again).
//
// Correct outcomes, one of:
//   refused  the operation fails cleanly (the errno is recorded);
//   waited   it returns only after the hold ended;
//   revoked  (mapped) it returns while the page is mapped, and the next
//            access takes SIGBUS instead of reaching released memory.
// Anything else fails: returned early (a DMA pin cannot be revoked, so a
// teardown that returns under it releases pages the I/O will still write),
// a mapping that still reads memory of a torn-down device, or a teardown
// still blocked 20 s after the hold ended (a hang: the op thread's kernel
// stack goes to output.txt and the runner's timeout records stacks.txt).
//
// Where the data goes: after the hold ended and the device was put back
// (re-enabled, rebound, remounted), the held range must hold the data the
// mapping wrote or the DMA delivered, for every correct outcome. For a
// teardown that returned under the pin the cell reports where the late DMA
// went instead: onto the re-enabled device, lost, or (devdax reconfigured
// to system-ram) into pages the page allocator handed to this process,
// which it allocates on purpose (the pinned pfns, found in
// /proc/self/pagemap) before the DMA lands.
#pragma once

#include <string>
#include <vector>

#include "core/name_table.h"
#include "core/spec.h"
#include "fixtures/namespace_teardown.h"

namespace dt {
class Context;
}

namespace dt::workloads {

using fixtures::TeardownOp;
using fixtures::TeardownTarget;

// The two holds, as variants.
enum class TeardownHold { mapped, pinned };
const NameTable<TeardownHold>& teardown_holds();

// Faults every lifecycle workload can simulate:
//   hold_elsewhere  the mapping or the DMA sits on anonymous memory instead
//                   of the DAX page, as a kernel that does not see the hold
//                   would treat it: the teardown returns under it and the
//                   wait/refusal/revocation check fails
//   data_lost       the held range is overwritten with F's old data before
//                   it is verified, as if the written data or the DMA had
//                   gone to a released page instead of the device: the
//                   data check fails
enum class TeardownFault { hold_elsewhere, data_lost };
const NameTable<TeardownFault>& teardown_faults();

// fsdax on xfs and ext4 (or devdax 2 MiB) with the slow device.
Needs teardown_needs(NamespaceMode mode, uint64_t slow_delay_ms = 3000);

void run_teardown_cell(Context& ctx, TeardownOp op);

}  // namespace dt::workloads
