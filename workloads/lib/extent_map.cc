#include "workloads/lib/extent_map.h"

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

namespace {
std::string size_text(uint64_t bytes) {
  if (bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes >> 10) + " KiB";
}
}  // namespace

std::string describe_extents(const std::vector<Extent>& extents) {
  if (extents.empty()) return "none";
  std::string text;
  for (const auto& e : extents) {
    if (!text.empty()) text += "; ";
    text += "[" + size_text(e.logical) + ", " + size_text(e.logical + e.length) + ") at " +
            size_text(e.physical);
    if (e.flags & FIEMAP_EXTENT_UNWRITTEN) text += " unwritten";
  }
  return text;
}

}  // namespace dt::workloads
