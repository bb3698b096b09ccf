#include "runners/lava/console_protocol.h"

#include "runners/build/sha256.h"

namespace dt::lava {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// 57 bytes make 76 characters: short console lines, one LAVA log entry each.
constexpr size_t kBytesPerLine = 57;
}  // namespace

std::string case_name(const std::string& instance_name) {
  std::string name;
  for (char c : instance_name) {
    if (c == '/') name += '~';
    else if (c == '#') name += ".repeat";
    else name += c;
  }
  return name;
}

std::string base64_encode(const std::string& bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    text += kAlphabet[(chunk >> 18) & 63];
    text += kAlphabet[(chunk >> 12) & 63];
    text += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    text += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return text;
}

std::optional<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string bytes;
  for (size_t i = 0; i < text.size(); i += 4) {
    int padding = (text[i + 3] == '=') + (text[i + 2] == '=');
    if (padding > 0 && i + 4 != text.size()) return std::nullopt;
    if (text[i + 2] == '=' && text[i + 3] != '=') return std::nullopt;
    uint32_t chunk = 0;
    for (int k = 0; k < 4; ++k) {
      int v = k >= 4 - padding ? 0 : value(text[i + k]);
      if (v < 0) return std::nullopt;
      chunk = chunk << 6 | static_cast<uint32_t>(v);
    }
    bytes += static_cast<char>(chunk >> 16);
    if (padding < 2) bytes += static_cast<char>((chunk >> 8) & 255);
    if (padding < 1) bytes += static_cast<char>(chunk & 255);
  }
  return bytes;
}

std::vector<std::string> file_lines(const std::string& relative_path, const std::string& bytes) {
  std::vector<std::string> lines;
  lines.push_back(std::string(kLinePrefix) + "file " + std::to_string(bytes.size()) + " " +
                  sha256_hex(bytes) + " " + relative_path);
  for (size_t at = 0; at < bytes.size(); at += kBytesPerLine)
    lines.push_back(std::string(kLinePrefix) + "| " + base64_encode(bytes.substr(at, kBytesPerLine)));
  lines.push_back(std::string(kLinePrefix) + "end " + relative_path);
  return lines;
}

std::string selection_key(const std::vector<std::string>& patterns) {
  std::string joined;
  for (const auto& pattern : patterns) joined += pattern + "\n";
  return sha256_hex(joined).substr(0, 16);
}

}  // namespace dt::lava
