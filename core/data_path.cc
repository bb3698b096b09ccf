#include "core/data_path.h"

#include <algorithm>
#include <filesystem>

#include "core/errors.h"

namespace fs = std::filesystem;

namespace dt {
namespace {

// Every layout holds vm-configs/; the guest image carries nothing else.
bool holds_data(const fs::path& dir) {
  std::error_code error;
  return fs::is_directory(dir / "vm-configs", error);
}

bool is_inside(const fs::path& path, const fs::path& folder) {
  auto [end, _] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return end == folder.end();
}

std::string find_data_root() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  const fs::path installed = exe.parent_path().parent_path() / "share/daxtorture";
  if (holds_data(installed)) return installed;
  // A binary of the build folder reads the tree it was built from, so an
  // edit of vm-configs/ needs no install. An installed binary never does:
  // it would run with the expectations of whatever that checkout holds now.
  if (is_inside(exe, fs::weakly_canonical(DAXTORTURE_BUILD_DIR, error)) && holds_data(DAXTORTURE_SOURCE_DIR)) return DAXTORTURE_SOURCE_DIR;
  for (fs::path dir = exe.parent_path(); dir != dir.parent_path(); dir = dir.parent_path())
    if (holds_data(dir) && fs::exists(dir / "CMakeLists.txt") && fs::exists(dir / "runners/vm/guest-init.sh"))
      return dir;
  throw UsageError("no data folder " + installed.string() + "/ beside " + exe.string() +
                   "; fix: install the whole tool, not the binary alone ('cmake --install BUILD --prefix PREFIX' "
                   "puts PREFIX/bin/daxtorture beside PREFIX/share/daxtorture; or 'apt-get install --reinstall "
                   "daxtorture')");
}

}  // namespace

const std::string& data_root() {
  static const std::string root = find_data_root();
  return root;
}

std::string data_path(const std::string& relative) { return data_root() + "/" + relative; }

}  // namespace dt
