#include "workloads/lib/dma_pin.h"

#include <fcntl.h>
#include <liburing.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/check.h"
#include "core/errors.h"
#include "workloads/lib/process_probe.h"

namespace dt::workloads {

struct DmaPin::Ring {
  io_uring ring{};
  ~Ring() { io_uring_queue_exit(&ring); }
};

bool wait_until_device_holds(const fixtures::SlowDeviceAccess& device, double timeout_s,
                             const std::function<bool()>& completed) {
  double give_up = monotonic_seconds() + timeout_s;
  while (monotonic_seconds() < give_up && !completed()) {
    if (device.held_ios() > 0) return !completed();
    usleep(20000);
  }
  return false;
}

DmaPin::DmaPin(DmaPinKind kind, const fixtures::SlowDeviceAccess& device, DmaPinOptions options)
    : kind_(kind), device_(device), options_(options) {}

DmaPin::~DmaPin() {
  finish();
  if (fd_ >= 0) close(fd_);
  if (pipe_[0] >= 0) close(pipe_[0]), close(pipe_[1]);
}

void DmaPin::finish() {
  if (thread_.joinable()) thread_.join();
}

bool DmaPin::start(void* buffer, size_t length) {
  const off_t offset = static_cast<off_t>(options_.device_offset);
  auto stamp = [this](ssize_t n, int error) {
    error_ = n < 0 ? error : 0;
    result_ = n;
    released_at = monotonic_seconds();
  };
  switch (kind_) {
    case DmaPinKind::dio_read:
    case DmaPinKind::dio_write: {
      fd_ = DT_SYS(open(device_.path().c_str(), O_RDWR | O_DIRECT | O_CLOEXEC));
      std::atomic<pid_t> tid{0};
      const bool read = kind_ == DmaPinKind::dio_read;
      thread_ = std::thread([this, buffer, length, offset, read, &tid, stamp] {
        tid = gettid();
        ssize_t n = read ? pread(fd_, buffer, length, offset) : pwrite(fd_, buffer, length, offset);
        stamp(n, errno);
      });
      while (tid == 0) usleep(100);
      evidence_ = "the I/O thread sleeps in the kernel";
      if (!wait_until_blocked_in_kernel(tid, 5.0) || released_at != 0) return false;
      if (!options_.confirm_held_by_device) return true;
      evidence_ += " and dm-delay holds the request back";
      return wait_until_device_holds(device_, 5.0, [this] { return released_at != 0; });
    }
    case DmaPinKind::uring_read:
    case DmaPinKind::uring_write: {
      fd_ = DT_SYS(open(device_.path().c_str(), O_RDWR | O_DIRECT | O_CLOEXEC));
      ring_ = std::make_unique<Ring>();
      int rc = io_uring_queue_init(4, &ring_->ring, 0);
      if (rc < 0) {
        ring_.reset();
        throw SetupError("io_uring_queue_init: " + errno_name(-rc));
      }
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
      if (kind_ == DmaPinKind::uring_read)
        io_uring_prep_read(sqe, fd_, buffer, length, offset);
      else
        io_uring_prep_write(sqe, fd_, buffer, length, offset);
      rc = io_uring_submit(&ring_->ring);
      if (rc != 1) throw SetupError("io_uring_submit: " + errno_name(-rc));
      thread_ = std::thread([this, stamp] {
        io_uring_cqe* cqe = nullptr;
        int rc = io_uring_wait_cqe(&ring_->ring, &cqe);
        if (rc != 0) return stamp(-1, -rc);
        int res = cqe->res;
        io_uring_cqe_seen(&ring_->ring, cqe);
        stamp(res < 0 ? -1 : res, -res);
      });
      evidence_ = "dm-delay holds the request back";
      // As long as the pin itself could last, and then some.
      return wait_until_device_holds(device_, 5.0 + device_.delay_ms() / 1000.0,
                                     [this] { return released_at != 0; });
    }
    case DmaPinKind::vmsplice: {
      DT_SYS(pipe2(pipe_, O_CLOEXEC));
      if (fcntl(pipe_[1], F_SETPIPE_SZ, static_cast<int>(length)) < static_cast<int>(length))
        throw SetupError("cannot grow the pipe to " + std::to_string(length) +
                         " bytes: " + errno_name(errno));
      size_t spliced = 0;
      while (spliced < length) {
        iovec rest{static_cast<uint8_t*>(buffer) + spliced, length - spliced};
        ssize_t n = DT_SYS(vmsplice(pipe_[1], &rest, 1, 0));
        if (n <= 0) break;
        spliced += static_cast<size_t>(n);
      }
      if (spliced != length) return false;
      evidence_ = "the pipe holds the spliced pages";
      const uint64_t hold_ms = device_.delay_ms();
      thread_ = std::thread([this, length, hold_ms, stamp] {
        usleep(static_cast<useconds_t>(hold_ms * 1000));
        captured_.resize(length);
        size_t got = 0;
        while (got < length) {
          ssize_t n = read(pipe_[0], captured_.data() + got, length - got);
          if (n <= 0) break;
          got += static_cast<size_t>(n);
        }
        stamp(static_cast<ssize_t>(got), 0);
      });
      return true;
    }
  }
  return false;
}

}  // namespace dt::workloads
