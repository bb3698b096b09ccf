#include "workloads/lib/slow_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "core/check.h"
#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "fixtures/slow_device.h"
#include "workloads/lib/page_sizes.h"

namespace dt::workloads {

void write_backing(uint64_t offset, const std::vector<uint8_t>& data) {
  int dev = DT_SYS(open(kSlowBackingDevice, O_WRONLY | O_DIRECT | O_CLOEXEC));
  void* aligned = nullptr;
  if (posix_memalign(&aligned, kPageSize, data.size()) != 0) throw SetupError("posix_memalign");
  memcpy(aligned, data.data(), data.size());
  ssize_t n = DT_SYS(pwrite(dev, aligned, data.size(), static_cast<off_t>(offset)));
  free(aligned);
  close(dev);
  if (static_cast<size_t>(n) != data.size()) throw SetupError("short write to the ramdisk");
}

std::vector<uint8_t> read_backing(uint64_t offset, size_t length) {
  int dev = DT_SYS(open(kSlowBackingDevice, O_RDONLY | O_DIRECT | O_CLOEXEC));
  void* aligned = nullptr;
  if (posix_memalign(&aligned, kPageSize, length) != 0) throw SetupError("posix_memalign");
  ssize_t n = DT_SYS(pread(dev, aligned, length, static_cast<off_t>(offset)));
  std::vector<uint8_t> data(static_cast<uint8_t*>(aligned), static_cast<uint8_t*>(aligned) + n);
  free(aligned);
  close(dev);
  return data;
}

uint64_t delayed_ios() {
  CommandResult status = run_command({"dmsetup", "status", fixtures::SlowDevice::kMapperName},
                                     std::chrono::seconds(10), {"DM_DISABLE_UDEV=1"});
  std::istringstream in(status.output);
  std::string word;
  while (in >> word && word != "delay") {
  }
  uint64_t total = 0, count = 0;
  while (in >> count) total += count;
  return total;
}

std::optional<uint64_t> pinned_bytes() {
  auto status = read_text_file("/proc/self/status");
  if (!status) return std::nullopt;
  std::istringstream in(*status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmPin:", 0) != 0) continue;
    return std::stoull(line.substr(6)) * 1024;  // "VmPin:      2048 kB"
  }
  return std::nullopt;
}

}  // namespace dt::workloads
