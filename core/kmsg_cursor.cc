#include "core/kmsg_cursor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace dt {

namespace {

// Larger than any record the kernel hands out (8 KiB in 6.1, 2 KiB in 6.12):
// a read() into a smaller buffer fails with EINVAL and skips the record.
constexpr size_t kReadBuffer = 16 * 1024;

// devkmsg_write refuses writes over PRINTKRB_RECORD_MAX (1 KiB) with EINVAL.
constexpr size_t kMaxMarkText = 900;

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

KmsgCursor::KmsgCursor(std::string device) : device_(std::move(device)) {
  fd_ = ::open(device_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0)
    throw_errno("cannot open " + device_ +
                " to read the kernel log (run as root or with CAP_SYSLOG, "
                "and boot without printk.devkmsg=off)");
  if (::lseek(fd_, 0, SEEK_END) < 0) {
    int saved = errno;
    ::close(fd_);
    errno = saved;
    throw_errno("cannot seek to the end of " + device_);
  }
}

KmsgCursor::~KmsgCursor() {
  if (fd_ >= 0) ::close(fd_);
}

void KmsgCursor::mark(const std::string& text) {
  std::string message = "<5>daxtorture: " + text.substr(0, kMaxMarkText);
  std::replace(message.begin(), message.end(), '\n', ' ');
  message += '\n';
  // A fresh descriptor per marker: the kernel rate-limits writes per open
  // file (10 per 5 s unless printk.devkmsg=on) and silently drops the rest,
  // which would lose markers when instances are short.
  int fd = ::open(device_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + device_ + " to write a marker");
  ssize_t written = ::write(fd, message.data(), message.size());
  int saved = errno;
  ::close(fd);
  if (written < 0) {
    errno = saved;
    throw_errno("cannot write a marker to " + device_);
  }
}

std::vector<KmsgRecord> KmsgCursor::drain() {
  std::vector<KmsgRecord> records;
  std::vector<char> buffer(kReadBuffer);
  for (;;) {
    ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n > 0) {
      std::string_view raw(buffer.data(), static_cast<size_t>(n));
      if (auto record = parse_kmsg_record(raw)) {
        note_sequence(record->seq);
        records.push_back(std::move(*record));
      } else {
        // Not expected from a kernel; keep the text rather than hide a line.
        KmsgRecord unknown;
        unknown.text = std::string(raw.substr(0, raw.find('\n')));
        records.push_back(std::move(unknown));
      }
      continue;
    }
    if (n == 0 || errno == EAGAIN) break;
    if (errno == EINTR) continue;
    if (errno == EPIPE) {
      // The kernel moved us to the oldest record still there; the gap in
      // sequence numbers gives the count once the next record is read.
      if (!next_seq_known_) ++lost_;
      continue;
    }
    if (errno == EINVAL) {
      // The record did not fit; the kernel has already stepped past it.
      ++lost_;
      if (next_seq_known_) ++next_seq_;
      continue;
    }
    throw_errno("cannot read " + device_);
  }
  return records;
}

void KmsgCursor::note_sequence(uint64_t seq) {
  if (next_seq_known_ && seq > next_seq_) lost_ += seq - next_seq_;
  next_seq_ = seq + 1;
  next_seq_known_ = true;
}

}  // namespace dt
