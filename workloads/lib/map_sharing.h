// MAP_SHARED or MAP_PRIVATE as a variant ("shared", "private"), for the
// workloads of huge/ and uring/ that run once with each: a shared mapping's
// stores reach the file, a private one's are copied on write.
#pragma once

#include "core/name_table.h"

namespace dt::workloads {

enum class MapSharing { shared, private_copy };
const NameTable<MapSharing>& map_sharings();

// The mmap(2) flag: MAP_SHARED or MAP_PRIVATE.
int mmap_flag(MapSharing sharing);

}  // namespace dt::workloads
