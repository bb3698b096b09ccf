#include "runners/lava/job_log.h"

#include "core/errors.h"

namespace dt::lava {

namespace {
// The subset of YAML that LAVA's logger emits (PyYAML, flow style, every
// scalar double-quoted): mappings, sequences and "..." scalars with YAML's
// escapes. Anything else ends the parse with an error.
class FlowParser {
 public:
  explicit FlowParser(const std::string& text) : text_(text) {}

  bool parse(nlohmann::json& out) {
    if (!value(out)) return false;
    skip_spaces();
    return at_ == text_.size();
  }

 private:
  void skip_spaces() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
  }
  bool eat(char c) {
    skip_spaces();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool value(nlohmann::json& out) {
    skip_spaces();
    // A tag ("!" before a quoted number, "!!str"): the value is read as it
    // is written; every scalar is a string here anyway.
    if (at_ < text_.size() && text_[at_] == '!') {
      while (at_ < text_.size() && text_[at_] != ' ') ++at_;
      skip_spaces();
    }
    if (at_ >= text_.size()) return false;
    if (text_[at_] == '{') return mapping(out);
    if (text_[at_] == '[') return sequence(out);
    if (text_[at_] == '"') {
      std::string scalar;
      if (!quoted(scalar)) return false;
      out = scalar;
      return true;
    }
    return plain(out);
  }
  bool mapping(nlohmann::json& out) {
    out = nlohmann::json::object();
    ++at_;
    if (eat('}')) return true;
    do {
      nlohmann::json key, item;
      if (!value(key) || !key.is_string() || !eat(':') || !value(item)) return false;
      out[key.get<std::string>()] = item;
    } while (eat(','));
    return eat('}');
  }
  bool sequence(nlohmann::json& out) {
    out = nlohmann::json::array();
    ++at_;
    if (eat(']')) return true;
    do {
      nlohmann::json item;
      if (!value(item)) return false;
      out.push_back(item);
    } while (eat(','));
    return eat(']');
  }
  // A plain scalar (null, true, a number): LAVA's logger quotes all, but a
  // lab's export may not.
  bool plain(nlohmann::json& out) {
    size_t start = at_;
    while (at_ < text_.size() && std::string(",:}]").find(text_[at_]) == std::string::npos) ++at_;
    std::string word = text_.substr(start, at_ - start);
    while (!word.empty() && word.back() == ' ') word.pop_back();
    if (word.empty()) return false;
    out = word;
    return true;
  }
  static void append_utf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  bool hex(size_t digits, uint32_t& code) {
    if (at_ + digits > text_.size()) return false;
    code = 0;
    for (size_t i = 0; i < digits; ++i) {
      char c = text_[at_++];
      code <<= 4;
      if (c >= '0' && c <= '9') code |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') code |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') code |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  bool quoted(std::string& out) {
    ++at_;
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_ >= text_.size()) return false;
      char e = text_[at_++];
      uint32_t code = 0;
      switch (e) {
        case '0': out += '\0'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 't': case '\t': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'v': out += '\v'; break;
        case 'f': out += '\f'; break;
        case 'r': out += '\r'; break;
        case 'e': out += '\x1b'; break;
        case ' ': out += ' '; break;
        case '"': out += '"'; break;
        case '/': out += '/'; break;
        case '\\': out += '\\'; break;
        case 'N': append_utf8(out, 0x85); break;
        case '_': append_utf8(out, 0xA0); break;
        case 'L': append_utf8(out, 0x2028); break;
        case 'P': append_utf8(out, 0x2029); break;
        case 'x': if (!hex(2, code)) return false; append_utf8(out, code); break;
        case 'u': if (!hex(4, code)) return false; append_utf8(out, code); break;
        case 'U': if (!hex(8, code)) return false; append_utf8(out, code); break;
        default: return false;
      }
    }
    return false;  // no closing quote: a line cut short
  }

  const std::string& text_;
  size_t at_ = 0;
};

std::string string_of(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}
}  // namespace

nlohmann::json parse_flow_line(const std::string& line) {
  nlohmann::json out;
  if (!FlowParser(line).parse(out) || !out.is_object()) return nlohmann::json(nlohmann::json::value_t::discarded);
  return out;
}

JobLog parse_job_log(const std::string& text, const std::string& path) {
  JobLog log;
  log.path = path;
  size_t line_number = 0, entries = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.rfind("- ", 0) == 0) line.erase(0, 2);
    nlohmann::json entry = parse_flow_line(line);
    if (entry.is_discarded() || !entry.contains("lvl") || !entry.contains("msg")) {
      if (entries == 0)
        throw UsageError(path + " is not a LAVA job log (line " + std::to_string(line_number) +
                         " is not a {\"dt\", \"lvl\", \"msg\"} entry); fix: pass lava-run's log (its "
                         "stderr) or the job's output.yaml ('lavacli jobs logs --raw JOB')");
      ++log.unreadable_lines;
      continue;
    }
    ++entries;
    const std::string level = string_of(entry, "lvl");
    const nlohmann::json& message = entry["msg"];
    if (level == "target" && message.is_string()) {
      log.console.push_back(message.get<std::string>());
    } else if (level == "results" && message.is_object()) {
      LavaCase result{string_of(message, "definition"), string_of(message, "case"), string_of(message, "result"),
                      string_of(message, "measurement"), string_of(message, "units")};
      if (result.definition == "lava" && result.name == "job") {
        log.job_result = result.result;
        log.job_error = string_of(message, "error_msg");
      } else if (result.definition == "lava" && message.contains("duration")) {
        try {
          log.action_seconds[result.name] += std::stod(string_of(message, "duration"));
        } catch (const std::exception&) {
        }
      }
      log.cases.push_back(result);
    }
  }
  if (entries == 0)
    throw UsageError(path + " is empty, not a LAVA job log; fix: pass lava-run's log (its stderr) or the "
                     "job's output.yaml ('lavacli jobs logs --raw JOB')");
  return log;
}

}  // namespace dt::lava
