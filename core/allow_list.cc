#include "core/allow_list.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "core/kmsg_parse.h"

namespace dt {

namespace {
bool is_blank(char c) { return c == ' ' || c == '\t'; }
}  // namespace

AllowList AllowList::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::error_code error(errno, std::generic_category());
    throw std::runtime_error(path + ": cannot read the dmesg allow-list: " + error.message() +
                             "; fix: pass an existing file (the shipped one is "
                             "vm-configs/dmesg-allow.txt)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

AllowList AllowList::parse(std::string_view text, const std::string& origin) {
  AllowList list;
  size_t line_number = 0;
  for (std::string_view line : split_lines(text)) {
    ++line_number;
    size_t start = 0;
    while (start < line.size() && is_blank(line[start])) ++start;
    if (start == line.size() || line[start] == '#') continue;
    size_t end = line.size();
    while (end > start && is_blank(line[end - 1])) --end;
    try {
      list.entries_.emplace_back(line.substr(start, end - start));
    } catch (const RegexError& error) {
      throw std::runtime_error(origin + ":" + std::to_string(line_number) + ":" +
                               std::to_string(start + 1 + error.offset) + ": invalid regex: " +
                               error.what() +
                               "; fix: correct the pattern there (PCRE2 syntax, pcre2pattern(3)), "
                               "or write \\ before a character meant literally");
    }
  }
  return list;
}

bool AllowList::allows(const KernelFinding& finding) const {
  // A line PCRE2 could not judge is not allowed: the finding stays.
  for (const Regex& entry : entries_)
    if (entry.search(finding.line, false)) return true;
  return false;
}

}  // namespace dt
