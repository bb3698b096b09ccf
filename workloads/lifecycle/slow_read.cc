#include "workloads/lifecycle/slow_read.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/check.h"
#include "core/command.h"
#include "core/errors.h"
#include "fixtures/slow_device.h"
#include "workloads/lib/process_probe.h"
#include "workloads/lib/pattern.h"

namespace dt::workloads {

void fill_slow_backing(uint64_t length, uint64_t seed) {
  std::vector<uint8_t> data(length);
  fill_pattern(data.data(), length, seed, 0);
  write_backing(0, data);
}

bool SlowRead::start(void* buffer, size_t length) {
  fd_ = DT_SYS(open(slow_device_.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC));
  std::atomic<pid_t> tid{0};
  thread_ = std::thread([this, buffer, length, &tid] {
    tid = gettid();
    ssize_t n = pread(fd_, buffer, length, 0);
    error_ = n < 0 ? errno : 0;
    result_ = n;
    released_at = monotonic_seconds();
  });
  while (tid == 0) usleep(100);
  if (!wait_until_blocked_in_kernel(tid, 5.0)) return false;
  double give_up = monotonic_seconds() + 5.0;
  while (released_at == 0 && monotonic_seconds() < give_up) {
    if (delayed_ios() > 0) return released_at == 0;
    usleep(20000);
  }
  return false;
}

void SlowRead::finish() {
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_), fd_ = -1;
}

}  // namespace dt::workloads
