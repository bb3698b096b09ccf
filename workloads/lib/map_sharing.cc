#include "workloads/lib/map_sharing.h"

#include <sys/mman.h>

namespace dt::workloads {

const NameTable<MapSharing>& map_sharings() {
  // A function's static: the specs of other files read it while they
  // register, at static-initialization time.
  static const NameTable<MapSharing> table("a mapping variant",
      {{MapSharing::shared, "shared"}, {MapSharing::private_copy, "private"}});
  return table;
}

int mmap_flag(MapSharing sharing) {
  return sharing == MapSharing::shared ? MAP_SHARED : MAP_PRIVATE;
}

}  // namespace dt::workloads
