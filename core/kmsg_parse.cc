#include "core/kmsg_parse.h"

#include <algorithm>
#include <charconv>
#include <system_error>
#include <utility>

namespace dt {

namespace {

template <typename Int>
bool parse_number(std::string_view digits, Int& out) {
  if (digits.empty()) return false;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && end == digits.data() + digits.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The kernel escapes '\\' and every byte outside 0x20..0x7e as "\xHH"
// (msg_add_ext_text in kernel/printk/printk.c); anything else is literal.
std::string decode_escapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
      int high = hex_value(text[i + 2]);
      int low = hex_value(text[i + 3]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 3;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

bool LineReader::next(std::string_view& line) {
  if (position_ > text_.size()) return false;
  size_t end = text_.find('\n', position_);
  bool last = end == std::string_view::npos;
  if (last) end = text_.size();
  line = text_.substr(position_, end - position_);
  position_ = end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return !(last && line.empty());
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  LineReader reader(text);
  for (std::string_view line; reader.next(line);) lines.push_back(line);
  return lines;
}

namespace {

void set_priority(KmsgRecord& record, unsigned prio) {
  record.level = static_cast<int>(prio & 7);
  record.facility = static_cast<int>(prio >> 3);
}

// "prio,seq,usec,flags[,more]": the ABI promises that later fields may be
// added (CONFIG_PRINTK_CALLER adds "caller=T123"), so they are ignored.
bool parse_kmsg_header(std::string_view header, KmsgRecord& record) {
  std::string_view fields[4];
  for (int i = 0; i < 4; ++i) {
    size_t comma = header.find(',');
    if (comma == std::string_view::npos && i < 3) return false;
    fields[i] = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view()
                                             : header.substr(comma + 1);
  }
  unsigned prio = 0;
  if (!parse_number(fields[0], prio) || prio > 0x7ff) return false;
  if (!parse_number(fields[1], record.seq)) return false;
  if (!parse_number(fields[2], record.usec)) return false;
  if (fields[3].empty()) return false;
  set_priority(record, prio);
  return true;
}

}  // namespace

std::optional<KmsgRecord> parse_kmsg_record(std::string_view raw) {
  std::string_view first = raw.substr(0, raw.find('\n'));
  size_t semicolon = first.find(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  KmsgRecord record;
  if (!parse_kmsg_header(first.substr(0, semicolon), record))
    return std::nullopt;
  record.text = decode_escapes(first.substr(semicolon + 1));
  return record;
}

std::optional<KmsgRecord> parse_dmesg_line(std::string_view line) {
  KmsgRecord record;
  if (!line.empty() && line[0] == '<') {
    size_t close = line.find('>');
    unsigned prio = 0;
    if (close == std::string_view::npos ||
        !parse_number(line.substr(1, close - 1), prio) || prio > 0x7ff)
      return std::nullopt;
    set_priority(record, prio);
    line.remove_prefix(close + 1);
  }
  if (line.empty() || line[0] != '[') return std::nullopt;
  size_t close = line.find(']');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view stamp = line.substr(1, close - 1);
  while (!stamp.empty() && stamp.front() == ' ') stamp.remove_prefix(1);
  size_t dot = stamp.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  uint64_t seconds = 0;
  uint64_t fraction = 0;
  std::string_view fraction_digits = stamp.substr(dot + 1);
  if (!parse_number(stamp.substr(0, dot), seconds) ||
      !parse_number(fraction_digits, fraction) || fraction_digits.size() > 9)
    return std::nullopt;
  for (size_t digits = fraction_digits.size(); digits < 6; ++digits)
    fraction *= 10;
  for (size_t digits = fraction_digits.size(); digits > 6; --digits)
    fraction /= 10;
  record.usec = seconds * 1000000 + fraction;
  line.remove_prefix(close + 1);

  // CONFIG_PRINTK_CALLER adds "[  T123]" or "[    C1]" after the time.
  if (line.size() > 2 && line[0] == '[') {
    size_t end = line.find(']');
    std::string_view caller =
        end == std::string_view::npos ? "" : line.substr(1, end - 1);
    while (!caller.empty() && caller.front() == ' ') caller.remove_prefix(1);
    uint64_t id = 0;
    if (caller.size() > 1 && (caller[0] == 'T' || caller[0] == 'C') &&
        parse_number(caller.substr(1), id))
      line.remove_prefix(end + 1);
  }
  if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
  record.text = std::string(line);
  return record;
}

std::vector<KmsgRecord> parse_kernel_log(std::string_view text) {
  std::vector<KmsgRecord> records;
  records.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  bool after_kmsg_record = false;
  LineReader reader(text);
  for (std::string_view line; reader.next(line);) {
    if (line.empty()) continue;
    if (after_kmsg_record && line[0] == ' ') continue;  // " KEY=value"
    // A /dev/kmsg record starts with its priority's digits; a dmesg or
    // console line never does, and need not be scanned for a ';'.
    bool may_be_kmsg = line[0] >= '0' && line[0] <= '9';
    if (auto record = may_be_kmsg ? parse_kmsg_record(line) : std::nullopt) {
      records.push_back(std::move(*record));
      after_kmsg_record = true;
      continue;
    }
    after_kmsg_record = false;
    if (auto record = parse_dmesg_line(line)) {
      records.push_back(std::move(*record));
      continue;
    }
    KmsgRecord unknown;
    unknown.text = std::string(line);
    records.push_back(std::move(unknown));
  }
  return records;
}

}  // namespace dt
