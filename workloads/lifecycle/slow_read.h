// A DMA pin held for the slow device's delay: an O_DIRECT read from the
// dm-delay device (fixtures/slow_device.h) into a buffer, on a thread of
// its own. The block layer pins the buffer's pages when the bio is built
// and writes into them only when dm-delay lets the bio go.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "workloads/lib/slow_io.h"

namespace dt::workloads {

// Writes `length` bytes of the seed's pattern at offset 0 of the ramdisk
// under the slow device: what a read of the slow device delivers.
void fill_slow_backing(uint64_t length, uint64_t seed);

class SlowRead {
 public:
  explicit SlowRead(const std::string& slow_device) : slow_device_(slow_device) {}
  ~SlowRead() { finish(); }
  SlowRead(const SlowRead&) = delete;
  SlowRead& operator=(const SlowRead&) = delete;

  // Starts the read into [buffer, buffer + length); returns once it is
  // provably in flight (the thread sleeps in the kernel and dm-delay holds
  // an I/O), false when that cannot be shown.
  bool start(void* buffer, size_t length);
  void finish();

  // Monotonic time the read returned (the pin dropped), 0 while in flight.
  std::atomic<double> released_at{0};
  ssize_t result() const { return result_; }
  int error() const { return error_; }

 private:
  std::string slow_device_;
  int fd_ = -1;
  std::thread thread_;
  std::atomic<ssize_t> result_{0};
  std::atomic<int> error_{0};
};

}  // namespace dt::workloads
