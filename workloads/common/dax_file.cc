#include "workloads/common/dax_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "core/check.h"
#include "core/errors.h"
#include "core/text_file.h"

namespace dt::workloads {

namespace {
constexpr size_t kChunk = 1 << 20;
}

int create_pattern_file(const std::string& path, uint64_t size, uint64_t seed) {
  int fd = DT_SYS(open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  std::vector<uint8_t> chunk(kChunk);
  for (uint64_t offset = 0; offset < size; offset += kChunk) {
    size_t length = static_cast<size_t>(std::min<uint64_t>(kChunk, size - offset));
    fill_pattern(chunk.data(), length, seed, offset);
    ssize_t written = DT_SYS(pwrite(fd, chunk.data(), length, static_cast<off_t>(offset)));
    if (static_cast<size_t>(written) != length)
      throw SetupError("short write to " + path + " at offset " + std::to_string(offset));
  }
  DT_SYS(fsync(fd));
  return fd;
}

std::optional<Mismatch> verify_file_pattern(int fd, uint64_t offset, uint64_t length, uint64_t seed) {
  std::vector<uint8_t> chunk(kChunk);
  for (uint64_t done = 0; done < length; done += kChunk) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, length - done));
    ssize_t got = DT_SYS(pread(fd, chunk.data(), want, static_cast<off_t>(offset + done)));
    if (static_cast<size_t>(got) != want) {
      Mismatch short_read;
      short_read.first = offset + done + static_cast<uint64_t>(got);
      short_read.last = offset + length - 1;
      short_read.seen = "end of file";
      short_read.expected = "pattern data";
      return short_read;
    }
    if (auto mismatch = find_mismatch(chunk.data(), want, seed, offset + done)) return mismatch;
  }
  return std::nullopt;
}

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

uint64_t page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_minflt + usage.ru_majflt);
}

bool wait_until_blocked_in_kernel(pid_t tid, double timeout_s) {
  double give_up = monotonic_seconds() + timeout_s;
  std::string path = "/proc/self/task/" + std::to_string(tid) + "/stat";
  while (monotonic_seconds() < give_up) {
    auto stat = read_text_file(path);
    if (!stat) return false;  // the thread is gone
    size_t close_paren = stat->rfind(')');
    if (close_paren != std::string::npos && close_paren + 2 < stat->size() &&
        (*stat)[close_paren + 2] == 'D')
      return true;
    usleep(1000);
  }
  return false;
}

double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace dt::workloads
