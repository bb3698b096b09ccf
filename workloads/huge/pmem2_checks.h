// Mapping DAX memory through libpmem2, the way PMDK applications do, and
// checking what the kernel and the platform gave it. Shared by the fsdax and
// devdax workloads (workloads/huge/pmem2_map_sync*.cc).
//
// libpmem2 maps a file with MAP_SHARED_VALIDATE | MAP_SYNC and falls back
// to MAP_SHARED when the kernel refuses (EINVAL/EOPNOTSUPP): then the data
// only becomes durable through msync, PMEM2_GRANULARITY_PAGE. With MAP_SYNC
// (or device-dax, which takes it too) the store granularity is CACHE_LINE,
// or BYTE when every nvdimm region's persistence_domain reads "cpu_cache"
// (eADR: caches inside the power-fail domain). A region without the
// attribute, or with "memory_controller", means CACHE_LINE.
//
// The checks, each with its injection:
//   1. the granularity libpmem2 reports is the one the platform's sysfs
//      implies, and requiring a finer one fails with
//      PMEM2_E_GRANULARITY_NOT_SUPPORTED;
//   2. the mapping carries VM_SYNC ("sf" in /proc/self/smaps VmFlags): the
//      kernel accepted MAP_SYNC (fsdax; noted for devdax);
//   3. a non-DAX control file (memfd) maps with PAGE granularity and no
//      "sf", so the two above tell DAX from page cache;
//   4. pmem2_deep_flush over the written range returns 0;
//   5. the pattern stored and persisted through the mapping reads back
//      through a second path (pread of the file, a second devdax mapping).
// Injections: page_cache_file (the memfd takes the DAX file's place, as if
// the kernel refused MAP_SYNC: checks 1 and 2 fail), deep_flush_outside
// (the flush range lies outside the mapping: check 4 fails),
// store_elsewhere (the pattern goes one page further than verified: check 5
// fails).
#pragma once

#include "core/name_table.h"

namespace dt {
class Context;
}

namespace dt::workloads {

enum class Pmem2Fault { page_cache_file, deep_flush_outside, store_elsewhere };
const NameTable<Pmem2Fault>& pmem2_faults();

// fsdax: a file in the instance's test directory; devdax: the device.
void run_pmem2_map_sync(Context& ctx);

}  // namespace dt::workloads
