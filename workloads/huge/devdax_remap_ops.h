// The rest of the huge-mapping operations on device-dax, shared by the
// 2 MiB (PMD) and 1 GiB (PUD) workloads next to run_devdax_split:
//   mremap    4 KiB out of the middle of a page is refused (EINVAL: the
//             mapping cannot be split there); a whole page moves to another
//             aligned address with its data, and its old place is gone
//   dontneed  MADV_DONTNEED of 4 KiB inside a page and of a whole page is
//             accepted and loses nothing: device memory is refaulted with
//             the same data, in pages of the device's size
//   fork      a MAP_SHARED mapping inherited by a child: what each writes
//             after the fork, the other reads, in every page
//   private   MAP_PRIVATE is refused (EINVAL): device-dax has no page
//             cache to copy from, so a private mapping must never appear
#pragma once

#include <cstdint>

#include "core/name_table.h"

namespace dt {
class Context;
}

namespace dt::workloads {

// `page` is the device's alignment, `pages` how many to map (2 or more; page
// 1 is acted on, with 3 or more it has neighbours on both sides). Injections, one per variant:
//   aligned_split    mremap: the call that must be refused is made over a
//                    whole page, as a kernel without the alignment check
//                    would accept the unaligned one
//   dontneed_loses_data  dontneed: the zapped page reads zeroes afterwards, as
//                    if the refault mapped fresh memory
//   child_copy       fork: the child writes into a private copy, as if the
//                    shared huge mapping had been copied on fork
//   private_accepted private: an anonymous MAP_PRIVATE mapping stands in,
//                    as a kernel that accepted the private mapping would
// The variants of the devdax huge-mapping workloads, and the faults they
// can inject (one per check: see above and devdax_split_ops.h).
enum class DevdaxOperation { munmap, mprotect, mremap, dontneed, fork, private_mapping };
const NameTable<DevdaxOperation>& devdax_operations();
enum class DevdaxOperationFault { aligned_split, dontneed_loses_data, child_copy, private_accepted };
const NameTable<DevdaxOperationFault>& devdax_operation_faults();

// `how`: mremap, dontneed, fork or private_mapping.
void run_devdax_remap(Context& ctx, DevdaxOperation how, uint64_t page, uint64_t pages);

// munmap and mprotect go to run_devdax_split, the rest to run_devdax_remap.
void run_devdax_operation(Context& ctx, DevdaxOperation operation, uint64_t page, uint64_t pages);

}  // namespace dt::workloads
