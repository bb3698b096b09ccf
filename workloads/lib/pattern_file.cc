#include "workloads/lib/pattern_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "core/check.h"
#include "core/errors.h"

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

}  // namespace dt::workloads
