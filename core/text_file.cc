#include "core/text_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace dt {

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::optional<std::string> read_first_line(const std::string& path) {
  auto contents = read_text_file(path);
  if (!contents) return std::nullopt;
  return contents->substr(0, contents->find('\n'));
}

void write_text_file(const std::string& path, const std::string& contents) {
  // write(2) directly: sysfs attributes must see the value in one call.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw SetupError("cannot open " + path + " for writing: " + strerror(errno));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      throw SetupError("cannot write " + path + ": " + strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0) throw SetupError("cannot write " + path + ": " + strerror(errno));
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  std::string temporary = path + ".tmp";
  write_text_file(temporary, contents);
  if (rename(temporary.c_str(), path.c_str()) != 0)
    throw SetupError("cannot rename " + temporary + " to " + path + ": " + strerror(errno));
}

void make_directories(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error)
    throw SetupError("cannot create directory " + path + ": " + error.message());
}

}  // namespace dt
