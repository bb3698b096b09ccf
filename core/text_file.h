// Small whole-file helpers for sysfs, procfs and result files.
#pragma once

#include <optional>
#include <string>

namespace dt {

// Contents of a file, or nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);
// First line without the trailing newline (sysfs attributes).
std::optional<std::string> read_first_line(const std::string& path);
// Writes the whole file; throws SetupError naming the path and errno.
void write_text_file(const std::string& path, const std::string& contents);
// Like write_text_file, but into a temporary name renamed over the target,
// so a reader (or a crash) never sees half a file.
void write_file_atomically(const std::string& path, const std::string& contents);
// mkdir -p; throws SetupError naming the path and the reason.
void make_directories(const std::string& path);

}  // namespace dt
