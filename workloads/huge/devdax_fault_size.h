// The fault-size proof on a device-dax character device, shared by the PMD
// (2 MiB align) and PUD (1 GiB align) workloads: device-dax has no fs_dax
// tracepoint, so the proof is the page-fault count over a touch of every
// 4 KiB page (one page per 2 MiB for a PUD proof; one fault per
// `fault_size` expected either way), the MMU page size the
// kernel reports for the mapping in /proc/self/smaps, and the data read
// back through a fresh mapping.
#pragma once

#include <cstdint>

#include "core/name_table.h"

namespace dt {
class Context;
}

namespace dt::workloads {

// Variants "write" (the touch writes one pattern word per 4 KiB page) and
// "read" (the pattern is written first through a mapping of its own, the
// touch only loads). Injection "smaller_pages": anonymous memory takes the
// mapping's place, read-touched so it maps zero pages and costs no RAM,
// with THP off for a PMD proof (4 KiB faults) and on for a PUD proof (at
// most 2 MiB faults): what a kernel that served the device with the next
// smaller page size would show. The fault count must then fail.
void prove_devdax_fault_size(Context& ctx, uint64_t fault_size, uint64_t length);

enum class DevdaxTouch { write, read };
const NameTable<DevdaxTouch>& devdax_touches();
enum class DevdaxFaultSizeFault { smaller_pages };
const NameTable<DevdaxFaultSizeFault>& devdax_fault_size_faults();

}  // namespace dt::workloads
