#include "runners/wire/lava_console.h"

#include <cstdlib>
#include <sstream>

#include "core/sha256.h"

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

std::string plan_line(const std::string& shard, const std::string& selection_key, const std::string& run_id,
                      const std::string& release) {
  return std::string(kLinePrefix) + "plan " + shard + " " + selection_key + " " + run_id + " " + release;
}

std::string planned_line(const std::string& instance_name) {
  return std::string(kLinePrefix) + "planned " + instance_name;
}

std::string hung_line(const std::string& instance_name, long budget_s) {
  return std::string(kLinePrefix) + "hung " + instance_name + " " + std::to_string(budget_s);
}

std::string finished_line(int exit_status) { return std::string(kLinePrefix) + "finished " + std::to_string(exit_status); }

std::string missing_line(const std::string& relative_path) { return std::string(kLinePrefix) + "missing " + relative_path; }

std::string note_line(const std::string& text) { return std::string(kLinePrefix) + "note " + text; }

std::optional<LavaLine> read_lava_line(const std::string& console_line) {
  size_t at = console_line.find(kLinePrefix);
  if (at == std::string::npos) return std::nullopt;
  std::string line = console_line.substr(at + std::string(kLinePrefix).size());
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  LavaLine read{};
  if (line.rfind("| ", 0) == 0) {
    read.kind = LavaLine::Kind::chunk;
    read.chunk = line.substr(2);
    return read;
  }
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  if (words.empty()) return std::nullopt;
  const std::string& verb = words[0];
  if (verb == "plan" && words.size() >= 5) {
    read.kind = LavaLine::Kind::plan;
    read.shard = words[1];
    read.selection = words[2];
    read.run_id = words[3];
    read.release = words[4];
  } else if (verb == "planned" && words.size() == 2) {
    read.kind = LavaLine::Kind::planned;
    read.name = words[1];
  } else if (verb == "file" && words.size() == 4) {
    read.kind = LavaLine::Kind::file;
    read.bytes = words[1];
    read.sha256 = words[2];
    read.path = words[3];
  } else if (verb == "end" && words.size() == 2) {
    read.kind = LavaLine::Kind::end;
    read.path = words[1];
  } else if (verb == "hung" && words.size() == 3) {
    read.kind = LavaLine::Kind::hung;
    read.name = words[1];
    read.budget_s = words[2];
  } else if (verb == "finished" && words.size() == 2) {
    read.kind = LavaLine::Kind::finished;
    read.exit_status = std::atoi(words[1].c_str());
  } else {
    return std::nullopt;
  }
  return read;
}

std::string selection_key(const std::vector<std::string>& patterns) {
  std::string joined;
  for (const auto& pattern : patterns) joined += pattern + "\n";
  return sha256_hex(joined).substr(0, 16);
}

}  // namespace dt::lava
