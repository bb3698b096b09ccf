#include "runners/run/kernel_gcov.h"

#include <filesystem>

#include "core/errors.h"
#include "core/text_file.h"

namespace fs = std::filesystem;

namespace dt {

std::string kernel_gcov_missing() {
  if (fs::exists(std::string(kKernelGcovRoot) + "/reset")) return "";
  return std::string("the running kernel keeps no gcov counters (no ") + kKernelGcovRoot +
         "/reset): it was not built with CONFIG_GCOV_KERNEL and profiled DAX objects; fix: build it with "
         "'daxtorture build --tree DIR --coverage' (or run 'daxtorture vm --tree DIR --coverage')";
}

void reset_kernel_gcov() { write_text_file(std::string(kKernelGcovRoot) + "/reset", "1"); }

int copy_kernel_gcov(const std::string& dir) {
  int copied = 0;
  std::error_code error;
  for (fs::recursive_directory_iterator it(kKernelGcovRoot, error), end; !error && it != end; it.increment(error)) {
    // The .gcno entries are symlinks into the build tree, which the guest
    // need not have; the host has them.
    if (it->is_symlink() || it->path().extension() != ".gcda") continue;
    // debugfs reports size 0: read to the end rather than by size.
    auto data = read_text_file(it->path());
    if (!data) throw SetupError("cannot read " + it->path().string() + " for the instance's coverage");
    fs::path target = fs::path(dir) / fs::relative(it->path(), kKernelGcovRoot);
    make_directories(target.parent_path());
    write_text_file(target, *data);
    ++copied;
  }
  if (error) throw SetupError(std::string("cannot list ") + kKernelGcovRoot + ": " + error.message());
  return copied;
}

}  // namespace dt
