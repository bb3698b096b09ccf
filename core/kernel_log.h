// Reading the kernel log of one workload instance: parse /dev/kmsg records
// (or a plain dmesg/console log), decide which lines are kernel findings, and
// drop the ones an allow-list declares harmless.
//
// Record format: Documentation/ABI/testing/dev-kmsg. The finding patterns
// follow the strings printed by linux 6.1 and 6.12; kernel_log.cc names the
// source of each.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

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

// The finding kind of one line of kernel text, the most specific kind first
// ("BUG: KASAN: ..." is KASAN, not BUG). Multi-line text is checked line by
// line; the finding carries the line that matched.
std::optional<KernelFinding> classify(std::string_view text);

// Regexes for kernel lines known to be harmless; format documented in
// vm-configs/dmesg-allow.txt.
class AllowList {
 public:
  AllowList() = default;  // allows nothing

  // Throws std::runtime_error "FILE:LINE:COLUMN: problem; fix: ..." for an
  // unreadable file or a malformed regex.
  static AllowList load(const std::string& path);
  static AllowList parse(std::string_view text, const std::string& origin);

  bool allows(const KernelFinding& finding) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string pattern;
    std::regex regex;
  };
  std::vector<Entry> entries_;
};

// One finding per kernel record that classify() flags and the allow-list
// does not excuse. Records written from userspace (facility > 0) are ignored:
// only the kernel can log with facility 0, so a workload's own output or the
// runner's markers cannot fail an instance.
std::vector<KernelFinding> findings(const std::vector<KmsgRecord>& records,
                                    const AllowList& allow);

// Offset of a run of more than 9 decimal digits in a regex, or npos.
// libstdc++'s std::regex compiler overflows a signed integer on such a
// back-reference or repetition count (found by fuzz_config), so user
// regexes with one are refused before they are compiled.
size_t overlong_regex_number(std::string_view re);

}  // namespace dt
