// One DMA pin of a buffer (DAX pages, usually) held for the slow device's
// delay: started, proven live, released. Every workload that needs pages
// pinned while something else happens uses this class.
//
//   dio_read / dio_write      an O_DIRECT pread/pwrite of the slow device on
//                             a thread of its own: the block layer pins the
//                             buffer when it builds the bio, dm-delay holds
//                             the bio. Live: the thread sleeps in the kernel
//                             (and, with confirm_held_by_device, dm-delay
//                             counts a held I/O).
//   uring_read / uring_write  an io_uring read/write with an ordinary
//                             buffer; no thread sleeps. Live: dm-delay
//                             counts the request (wait_until_device_holds).
//   vmsplice                  the pages are spliced into a pipe, which is
//                             drained after the slow delay. Live: the pipe
//                             took every byte.
// released_at is the monotonic time the pin dropped (the I/O returned, the
// pipe was drained), 0 while it holds.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fixtures/slow_device.h"

namespace dt::workloads {

enum class DmaPinKind { dio_read, dio_write, uring_read, uring_write, vmsplice };

struct DmaPinOptions {
  uint64_t device_offset = 0;  // where on the slow device the I/O goes
  // dio: also require dm-delay to report a held I/O before calling the pin
  // live (a sleeping thread may still be faulting pages in).
  bool confirm_held_by_device = false;
};

class DmaPin {
 public:
  DmaPin(DmaPinKind kind, const fixtures::SlowDeviceAccess& device, DmaPinOptions options = {});
  ~DmaPin();
  DmaPin(const DmaPin&) = delete;
  DmaPin& operator=(const DmaPin&) = delete;

  // Pins [buffer, buffer + length) and returns once the pin is provably
  // live; false when that cannot be shown (finish() still waits for it).
  bool start(void* buffer, size_t length);
  // Waits until the pin dropped.
  void finish();

  std::atomic<double> released_at{0};
  ssize_t result() const { return result_; }  // bytes moved, -1 on error
  int error() const { return error_; }        // errno of a failed I/O
  const std::string& evidence() const { return evidence_; }
  // vmsplice: what the pipe delivered.
  const std::vector<uint8_t>& captured() const { return captured_; }

 private:
  struct Ring;
  DmaPinKind kind_;
  fixtures::SlowDeviceAccess device_;
  DmaPinOptions options_;
  std::thread thread_;
  int fd_ = -1;
  int pipe_[2] = {-1, -1};
  std::unique_ptr<Ring> ring_;
  std::atomic<ssize_t> result_{0};
  std::atomic<int> error_{0};
  std::string evidence_;
  std::vector<uint8_t> captured_;
};

// Polls dm-delay until it holds an I/O (true) or `completed()` says the
// request is already done or `timeout_s` passed (false). A loaded TCG guest
// can take seconds to punt a request to an io-wq worker.
bool wait_until_device_holds(const fixtures::SlowDeviceAccess& device, double timeout_s,
                             const std::function<bool()>& completed);

}  // namespace dt::workloads
