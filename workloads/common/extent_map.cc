#include "workloads/common/extent_map.h"

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include <memory>

#include "core/check.h"

namespace dt::workloads {

std::vector<Extent> file_extents(int fd) {
  constexpr unsigned kMaxExtents = 512;
  size_t size = sizeof(fiemap) + kMaxExtents * sizeof(fiemap_extent);
  std::unique_ptr<char[]> storage(new char[size]());
  auto* map = reinterpret_cast<fiemap*>(storage.get());
  map->fm_start = 0;
  map->fm_length = FIEMAP_MAX_OFFSET;
  map->fm_flags = FIEMAP_FLAG_SYNC;
  map->fm_extent_count = kMaxExtents;
  DT_SYS(ioctl(fd, FS_IOC_FIEMAP, map));
  std::vector<Extent> extents;
  for (unsigned i = 0; i < map->fm_mapped_extents; ++i) {
    const auto& e = map->fm_extents[i];
    extents.push_back({e.fe_logical, e.fe_physical, e.fe_length, e.fe_flags});
  }
  return extents;
}

std::string misaligned_extent(const std::vector<Extent>& extents, uint64_t alignment) {
  for (const auto& e : extents)
    if (e.logical % alignment || e.physical % alignment || e.length % alignment)
      return "extent at file offset " + std::to_string(e.logical) + " (physical " +
             std::to_string(e.physical) + ", length " + std::to_string(e.length) +
             ") is not " + std::to_string(alignment >> 10) + " KiB aligned";
  return "";
}

}  // namespace dt::workloads
