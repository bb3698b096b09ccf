#include "workloads/lib/aligned_map.h"

#include <sys/mman.h>

#include "core/check.h"

namespace dt::workloads {

void* map_aligned(int fd, uint64_t length, uint64_t alignment, int prot, int flags,
                  uint64_t file_offset, uint64_t misalign) {
  // Reserve address space with room to slide, then map the file over the
  // aligned part of the reservation.
  uint64_t span = length + alignment + misalign;
  void* reservation = DT_SYS(mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
  uint64_t start = (reinterpret_cast<uint64_t>(reservation) + alignment - 1) & ~(alignment - 1);
  start += misalign;
  void* mapping = DT_SYS(mmap(reinterpret_cast<void*>(start), length, prot, flags | MAP_FIXED, fd,
                              static_cast<off_t>(file_offset)));
  // Give back the unused ends of the reservation.
  uint64_t base = reinterpret_cast<uint64_t>(reservation);
  if (start > base) munmap(reservation, start - base);
  uint64_t end = start + length, reservation_end = base + span;
  if (reservation_end > end) munmap(reinterpret_cast<void*>(end), reservation_end - end);
  return mapping;
}

}  // namespace dt::workloads
