#include "runners/results/expectations.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "core/errors.h"
#include "core/kernel_log.h"
#include "core/regex.h"
#include "core/registry.h"
#include "core/text_file.h"

namespace dt {

namespace {
std::string where(const std::string& path, int line, size_t column) {
  return path + ":" + std::to_string(line) + ":" + std::to_string(column + 1) + ": ";
}

const KnownFailure* find_known(const std::vector<ExpectationFile>& files, const std::string& name,
                               const ExpectationFile** in_file = nullptr) {
  for (const auto& file : files)
    for (const auto& known : file.known)
      if (fnmatch(known.instance.c_str(), name.c_str(), 0) == 0) {
        if (in_file) *in_file = &file;
        return &known;
      }
  return nullptr;
}
}  // namespace

std::vector<int> release_version(const std::string& kernel_release) {
  std::vector<int> version;
  size_t at = 0;
  while (at < kernel_release.size() && isdigit(static_cast<unsigned char>(kernel_release[at])) &&
         version.size() < 3) {
    size_t end = at;
    while (end < kernel_release.size() && isdigit(static_cast<unsigned char>(kernel_release[end])) &&
           end - at < 6)
      ++end;
    version.push_back(std::stoi(kernel_release.substr(at, end - at)));
    if (end >= kernel_release.size() || kernel_release[end] != '.') break;
    at = end + 1;
  }
  return version.size() >= 2 ? version : std::vector<int>{};
}

namespace {
// One word of a "version:" line: an optional comparison and X.Y[.Z].
bool parse_version_word(const std::string& word, std::string* op, std::vector<int>* version) {
  size_t digits = word.find_first_of("0123456789");
  if (digits == std::string::npos) return false;
  *op = word.substr(0, digits);
  if (*op != "" && *op != ">=" && *op != ">" && *op != "<=" && *op != "<" && *op != "=") return false;
  *version = release_version(word.substr(digits));
  return !version->empty() && word.find_first_not_of("0123456789.", digits) == std::string::npos;
}

int compare_versions(const std::vector<int>& a, const std::vector<int>& b) {
  for (size_t i = 0; i < 3; ++i) {
    int x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}
}  // namespace

bool version_matches(const std::vector<int>& version, const std::string& range) {
  if (version.empty()) return false;
  std::istringstream words(range);
  std::string word, op;
  std::vector<int> bound;
  bool any = false;
  while (words >> word) {
    if (!parse_version_word(word, &op, &bound)) return false;
    any = true;
    if (op.empty()) {  // a prefix: "6.12" is every 6.12.N
      for (size_t i = 0; i < bound.size(); ++i)
        if (i >= version.size() || version[i] != bound[i]) return false;
      continue;
    }
    int c = compare_versions(version, bound);
    bool holds = op == ">=" ? c >= 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : op == "<" ? c < 0 : c == 0;
    if (!holds) return false;
  }
  return any;
}

bool has_dax_rework(const std::vector<int>& version) { return compare_versions(version, {6, 15, 0}) >= 0; }

bool ExpectationFile::covers(const std::string& kernel_release) const {
  std::vector<int> version = release_version(kernel_release);
  if (dax_rework >= 0 && (version.empty() || has_dax_rework(version) != (dax_rework == 1))) return false;
  for (const auto& pattern : kernel_patterns)
    if (Regex(pattern).search(kernel_release, /*on_error=*/false)) return true;
  for (const auto& range : version_ranges)
    if (version_matches(version, range)) return true;
  return false;
}

namespace {
// One line of an expectations file: where it is, for the messages, and
// where its first word starts.
struct ExpectationLine {
  const std::string& path;
  int number;
  const std::string& text;
  size_t start;
  std::string where(size_t column) const { return dt::where(path, number, column); }
};

// "kernel: REGEX" over uname -r.
std::string kernel_pattern(const ExpectationLine& line) {
  size_t value = line.text.find_first_not_of(" \t", line.start + 7);
  if (value == std::string::npos)
    throw UsageError(line.where(line.start) + "'kernel:' needs a regex over uname -r; fix: "
                     "e.g. kernel: ^6\\.1\\.0-[0-9]+-amd64$");
  std::string pattern = line.text.substr(value);
  if (size_t at = overlong_regex_number(pattern); at != std::string_view::npos)
    throw UsageError(line.where(value + at) + "bad kernel regex: a number of more "
                     "than 9 digits; fix: use [0-9]+ or a shorter count");
  // PCRE2, as the kernel-log patterns: std::regex's executor recursed per
  // character and a fuzzed pattern ran for minutes.
  try {
    Regex check(pattern);
  } catch (const RegexError& error) {
    throw UsageError(line.where(value) + "bad kernel regex: " + error.what() + " (at pattern offset " +
                     std::to_string(error.offset) + "); fix: write a Perl-compatible regex");
  }
  return pattern;
}

// "version: >=6.6 <6.15".
std::string version_range(const ExpectationLine& line) {
  size_t value = line.text.find_first_not_of(" \t", line.start + 8);
  std::string range = value == std::string::npos ? "" : line.text.substr(value);
  std::istringstream range_words(range);
  std::string word, op;
  std::vector<int> bound;
  bool valid = !range.empty();
  while (valid && range_words >> word) valid = parse_version_word(word, &op, &bound);
  if (!valid)
    throw UsageError(line.where(value == std::string::npos ? line.start : value) + "bad version range '" + range +
                     "'; fix: e.g. 'version: 6.12' or 'version: >=6.6 <6.15'");
  return range;
}

// "dax-rework: yes|no": 1 or 0.
int dax_rework(const ExpectationLine& line) {
  const std::string& text = line.text;
  size_t value = text.find_first_not_of(" \t", line.start + 11);
  std::string answer = value == std::string::npos ? "" : text.substr(value, text.find_last_not_of(" \t") + 1 - value);
  if (answer != "yes" && answer != "no")
    throw UsageError(line.where(value == std::string::npos ? line.start : value) +
                     "'dax-rework:' takes yes or no; fix: 'dax-rework: no' for kernels before v6.15");
  return answer == "yes" ? 1 : 0;
}

// "INSTANCE STATUS[|STATUS...] note".
KnownFailure known_failure(const ExpectationLine& line) {
  std::istringstream words(line.text);
  KnownFailure known;
  std::string status_word;
  words >> known.instance >> status_word;
  size_t status_column = line.text.find(status_word, line.start + known.instance.size());
  if (status_word.empty())
    throw UsageError(line.where(line.start) + "expected 'INSTANCE STATUS note'; fix: name "
                     "the verdict the instance is known to get (FAIL, TIMEOUT, BROKEN, CRASH)");
  std::istringstream alternatives(status_word);
  for (std::string word; std::getline(alternatives, word, '|');) {
    auto status = parse_status(word);
    if (!status || !status_is_failure(*status))
      throw UsageError(line.where(status_column) + "'" + word +
                       "' is not a failing verdict; fix: use FAIL, TIMEOUT, BROKEN or CRASH, "
                       "or alternatives such as CRASH|TIMEOUT");
    known.statuses.push_back(*status);
  }
  if (status_word.back() == '|')
    throw UsageError(line.where(status_column + status_word.size() - 1) +
                     "a '|' with no verdict after it; fix: e.g. CRASH|TIMEOUT");
  std::getline(words, known.note);
  size_t note_start = known.note.find_first_not_of(" \t");
  known.note = note_start == std::string::npos ? "" : known.note.substr(note_start);
  if (known.note.empty())
    throw UsageError(line.where(line.text.size()) + "a known failure needs a note; fix: say "
                     "why it fails and where it was seen");
  known.line = line.number;
  return known;
}
}  // namespace

ExpectationFile parse_expectations(const std::string& text, const std::string& path) {
  ExpectationFile file;
  file.path = path;
  std::istringstream lines(text);
  std::string text_line;
  int number = 0;
  while (std::getline(lines, text_line)) {
    ++number;
    size_t start = text_line.find_first_not_of(" \t");
    if (start == std::string::npos || text_line[start] == '#') continue;
    ExpectationLine line{path, number, text_line, start};
    if (text_line.compare(start, 7, "kernel:") == 0) file.kernel_patterns.push_back(kernel_pattern(line));
    else if (text_line.compare(start, 8, "version:") == 0) file.version_ranges.push_back(version_range(line));
    else if (text_line.compare(start, 11, "dax-rework:") == 0) file.dax_rework = dax_rework(line);
    else file.known.push_back(known_failure(line));
  }
  if (file.kernel_patterns.empty() && file.version_ranges.empty() && !file.known.empty())
    throw UsageError(path + ": no 'kernel:' or 'version:' line; fix: say which kernels these failures "
                     "belong to");
  return file;
}

bool KnownFailure::allows(Status status) const {
  return std::find(statuses.begin(), statuses.end(), status) != statuses.end();
}

ExpectationFile load_expectations(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) throw UsageError("cannot read expectations file " + path);
  return parse_expectations(*text, path);
}

std::vector<ExpectationFile> expectations_for(const std::string& dir, const std::string& release) {
  std::vector<ExpectationFile> files;
  std::error_code error;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error))
    if (entry.path().extension() == ".expect") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    ExpectationFile file = load_expectations(path);
    if (file.covers(release)) files.push_back(std::move(file));
  }
  return files;
}

void apply_expectations(const std::vector<ExpectationFile>& files, RunResult& run) {
  for (auto& instance : run.instances) {
    const ExpectationFile* file = nullptr;
    const KnownFailure* known = find_known(files, base_instance_name(instance.name), &file);
    bool failed = status_is_failure(instance.status);
    instance.expectation_note = known ? known->note : "";
    instance.expectation_source = known ? file->path + ":" + std::to_string(known->line) : "";
    instance.expectation_pattern = known ? known->instance : "";
    if (!known) {
      instance.expectation = failed ? Expectation::new_failure : Expectation::none;
    } else if (!failed) {
      instance.expectation = Expectation::fixed;
    } else {
      instance.expectation = known->allows(instance.status) ? Expectation::known_failure
                                                            : Expectation::new_failure;
    }
  }
}

bool has_new_failures(const RunResult& run) {
  for (const auto& instance : run.instances)
    if (status_is_failure(instance.status) && instance.expectation != Expectation::known_failure)
      return true;
  return false;
}

}  // namespace dt
