#include "runners/plan/work_queue.h"

#include <stdio.h>

#include <string>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.h"
#include "core/text_file.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
std::string entry_file(size_t position) {
  std::string digits = std::to_string(position);
  return std::string(digits.size() < 5 ? 5 - digits.size() : 0, '0') + digits;
}

// Names in queue order: the zero-padded numbers sort as text.
std::vector<std::string> entry_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    std::string file = entry.path().filename();
    if (!file.empty() && file.find_first_not_of("0123456789") == std::string::npos) files.push_back(file);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string first_line(const std::string& path) {
  std::string text = read_text_file(path).value_or("");
  return text.substr(0, text.find('\n'));
}
}  // namespace

void fill_work_queue(const std::string& queue_dir, const std::vector<std::string>& names) {
  std::error_code error;
  fs::remove_all(queue_dir, error);
  make_directories(queue_dir);
  for (size_t i = 0; i < names.size(); ++i)
    write_file_atomically(queue_dir + "/" + entry_file(i + 1), names[i] + "\n");
}

std::optional<QueueEntry> take_next(const std::string& queue_dir, const std::string& taken_dir) {
  make_directories(taken_dir);
  for (const auto& file : entry_files(queue_dir)) {
    std::string to = taken_dir + "/" + file;
    if (rename((queue_dir + "/" + file).c_str(), to.c_str()) == 0) return QueueEntry{file, first_line(to)};
    if (errno != ENOENT)
      throw SetupError("cannot take " + queue_dir + "/" + file + " into " + taken_dir + ": " + strerror(errno));
    // Another guest took it first.
  }
  return std::nullopt;
}

std::vector<QueueEntry> queue_entries(const std::string& dir) {
  std::vector<QueueEntry> entries;
  for (const auto& file : entry_files(dir)) entries.push_back({file, first_line(dir + "/" + file)});
  return entries;
}

void put_back(const std::string& taken_dir, const std::string& queue_dir, const QueueEntry& entry) {
  std::string from = taken_dir + "/" + entry.file, to = queue_dir + "/" + entry.file;
  if (rename(from.c_str(), to.c_str()) != 0)
    throw SetupError("cannot put " + from + " back into " + queue_dir + ": " + strerror(errno));
}

}  // namespace dt
