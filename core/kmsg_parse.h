// Reading a saved kernel log into records: /dev/kmsg records
// (Documentation/ABI/testing/dev-kmsg), dmesg or console lines, or a mix.
// No judgement here: finding_patterns.h says which lines are findings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dt {

struct KmsgRecord {
  int level = -1;     // syslog level 0..7; -1 when the source did not say
  int facility = -1;  // 0 = kernel; >0 was written from userspace; -1 unknown
  uint64_t seq = 0;   // /dev/kmsg sequence number; 0 for dmesg text
  uint64_t usec = 0;  // monotonic timestamp
  std::string text;   // message with escapes decoded; may hold '\n'
};

// One /dev/kmsg read(): "prio,seq,usec,flags[,...];text\n" followed by
// " KEY=value" lines, which are skipped. nullopt when the header is malformed.
std::optional<KmsgRecord> parse_kmsg_record(std::string_view raw);

// One dmesg or console line: "[   12.345678] text", optionally with the raw
// "<4>" level prefix and the "[  T123]" caller column. nullopt without a
// timestamp.
std::optional<KmsgRecord> parse_dmesg_line(std::string_view line);

// A whole saved log, in /dev/kmsg or dmesg format or mixed. Lines neither
// format recognises are kept as records of unknown level: in a console log
// printed without timestamps they are still kernel messages.
std::vector<KmsgRecord> parse_kernel_log(std::string_view text);

// The lines of `text` one at a time, without their '\n' (and a '\r' before
// it); no empty last line for text that ends in a newline. Allocates
// nothing: the classifier reads every record through it.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  bool next(std::string_view& line);

 private:
  std::string_view text_;
  size_t position_ = 0;
};

// The same lines, as a list.
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace dt
