#include "reports/text.h"

#include <charconv>
#include <cmath>

namespace dt::reports {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool in(unsigned char byte, unsigned char low, unsigned char high) {
  return byte >= low && byte <= high;
}

// Length of the well-formed UTF-8 sequence starting at text[at], or 0 when
// the bytes there are not one (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
size_t sequence_length(std::string_view text, size_t at) {
  auto byte = [&](size_t k) -> unsigned char {
    return at + k < text.size() ? static_cast<unsigned char>(text[at + k]) : 0;
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  unsigned char second_low = 0x80, second_high = 0xBF;
  size_t length = 0;
  if (in(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (in(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0) second_low = 0xA0;
    if (lead == 0xED) second_high = 0x9F;
  } else if (in(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;
  } else {
    return 0;
  }
  if (!in(byte(1), second_low, second_high)) return 0;
  for (size_t k = 2; k < length; ++k)
    if (!in(byte(k), 0x80, 0xBF)) return 0;
  return length;
}

void append_hex_escape(std::string& out, unsigned char byte) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += "\\x";
  out += kDigits[byte >> 4];
  out += kDigits[byte & 0xF];
}

bool is_control(unsigned char byte) {
  return (byte < 0x20 && byte != '\t') || byte == 0x7F;
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t at = 0; at < text.size();) {
    const size_t length = sequence_length(text, at);
    if (length == 0) {
      out += kReplacement;
      ++at;
    } else {
      out.append(text, at, length);
      at += length;
    }
  }
  return out;
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_control(static_cast<unsigned char>(c)))
      append_hex_escape(out, static_cast<unsigned char>(c));
    else
      out += c;
  }
  return out;
}

std::string xml_escape(std::string_view text, bool attribute) {
  const std::string clean = valid_utf8(text);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (size_t at = 0; at < clean.size(); ++at) {
    const char c = clean[at];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; continue;
      case '<': out += "&lt;"; continue;
      case '>': out += "&gt;"; continue;
      case '"': out += "&quot;"; continue;
      case '\'': out += "&#39;"; continue;
      case '\t': out += attribute ? "&#9;" : "\t"; continue;
      case '\n': out += attribute ? "&#10;" : "\n"; continue;
      // A raw CR is turned into LF by every XML parser; keep it as itself.
      case '\r': out += "&#13;"; continue;
      default: break;
    }
    if (byte < 0x20) {
      // Not even &#1; is allowed in XML 1.0: show the byte as text instead.
      append_hex_escape(out, byte);
    } else if (byte == 0xEF && at + 2 < clean.size() &&
               clean[at + 1] == '\xBF' &&
               (clean[at + 2] == '\xBE' || clean[at + 2] == '\xBF')) {
      out += kReplacement;  // U+FFFE and U+FFFF are XML non-characters
      at += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) value = 0;
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                    std::chars_format::fixed, decimals);
  if (error != std::errc()) return "0";  // only for absurd magnitudes
  return std::string(buffer, end);
}

std::string file_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string hex(uint64_t value) {
  char buffer[2 + 16];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, 16);
  (void)error;  // 16 hex digits always fit
  return "0x" + std::string(buffer, end);
}

}  // namespace dt::reports
