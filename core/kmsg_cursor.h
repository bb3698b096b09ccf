// A read position in the kernel log, so that each workload instance sees only
// the records logged while it ran.
//
// Typical use by the runner:
//   KmsgCursor kmsg;                       // starts at the end of the log
//   kmsg.mark("begin " + instance_name);   // ... run the instance ...
//   auto records = kmsg.drain();           // everything since the last drain
//   if (kmsg.lost() != lost_before) ...    // say that a window is missing
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/kernel_log.h"

namespace dt {

class KmsgCursor {
 public:
  // Opens the log for reading and moves past every record already in it.
  // Throws std::system_error naming the device and the likely fix when it
  // cannot be opened (not root, or printk.devkmsg=off).
  explicit KmsgCursor(std::string device = "/dev/kmsg");
  ~KmsgCursor();
  KmsgCursor(const KmsgCursor&) = delete;
  KmsgCursor& operator=(const KmsgCursor&) = delete;

  // Logs "daxtorture: TEXT" at KERN_NOTICE; newlines in TEXT become spaces so
  // that the marker stays one record. Throws std::system_error.
  void mark(const std::string& text);

  // Every record available now, oldest first; never blocks.
  std::vector<KmsgRecord> drain();

  // Records that were overwritten in the ring buffer before this cursor read
  // them, since construction. A lost record may have been a warning, so a
  // runner must report any increase. When the overwrite happens before the
  // first record was read, the exact number is unknown and counts as one.
  uint64_t lost() const { return lost_; }

 private:
  void note_sequence(uint64_t seq);

  std::string device_;
  int fd_ = -1;
  uint64_t lost_ = 0;
  uint64_t next_seq_ = 0;
  bool next_seq_known_ = false;
};

}  // namespace dt
