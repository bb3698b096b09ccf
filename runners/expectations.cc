#include "runners/expectations.h"

#include <fnmatch.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "core/errors.h"
#include "core/kernel_log.h"
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

bool ExpectationFile::covers(const std::string& kernel_release) const {
  for (const auto& pattern : kernel_patterns)
    if (std::regex_search(kernel_release, std::regex(pattern))) return true;
  return false;
}

ExpectationFile parse_expectations(const std::string& text, const std::string& path) {
  ExpectationFile file;
  file.path = path;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    if (line.compare(start, 7, "kernel:") == 0) {
      size_t value = line.find_first_not_of(" \t", start + 7);
      if (value == std::string::npos)
        throw UsageError(where(path, number, start) + "'kernel:' needs a regex over uname -r; fix: "
                         "e.g. kernel: ^6\\.1\\.0-[0-9]+-amd64$");
      std::string pattern = line.substr(value);
      if (size_t at = overlong_regex_number(pattern); at != std::string_view::npos)
        throw UsageError(where(path, number, value + at) + "bad kernel regex: a number of more "
                         "than 9 digits; fix: use [0-9]+ or a shorter count");
      try {
        std::regex check(pattern);
      } catch (const std::regex_error& error) {
        throw UsageError(where(path, number, value) + "bad kernel regex: " + error.what() +
                         "; fix: write an ECMAScript regex");
      }
      file.kernel_patterns.push_back(pattern);
      continue;
    }
    std::istringstream words(line);
    KnownFailure known;
    std::string status_word;
    words >> known.instance >> status_word;
    size_t status_column = line.find(status_word, start + known.instance.size());
    auto status = parse_status(status_word);
    if (status_word.empty())
      throw UsageError(where(path, number, start) + "expected 'INSTANCE STATUS note'; fix: name "
                       "the verdict the instance is known to get (FAIL, TIMEOUT, BROKEN, CRASH)");
    if (!status || !status_is_failure(*status))
      throw UsageError(where(path, number, status_column) + "'" + status_word +
                       "' is not a failing verdict; fix: use FAIL, TIMEOUT, BROKEN or CRASH");
    known.status = *status;
    std::getline(words, known.note);
    size_t note_start = known.note.find_first_not_of(" \t");
    known.note = note_start == std::string::npos ? "" : known.note.substr(note_start);
    if (known.note.empty())
      throw UsageError(where(path, number, line.size()) + "a known failure needs a note; fix: say "
                       "why it fails and where it was seen");
    known.line = number;
    file.known.push_back(known);
  }
  if (file.kernel_patterns.empty() && !file.known.empty())
    throw UsageError(path + ": no 'kernel:' line; fix: say which kernels these failures belong to");
  return file;
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
      instance.expectation = instance.status == known->status ? Expectation::known_failure
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
