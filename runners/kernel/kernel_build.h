// `daxtorture build`: an out-of-tree kernel build for the suite, cached by
// commit and .config. Layout under the kernel cache (kernel_cache_dir()):
//   builds/obj/TREE-PATHHASH-BASEKEY/   the O= folder, one per tree and base
//                                      config, reused so that a step of a
//                                      bisect rebuilds only what changed
//   builds/TREE-COMMIT12[-dirty-DIFF8]-CONFIG12/
//       bzImage, .config, modules/ (INSTALL_MOD_PATH), build.log,
//       kernel-origin.txt, gcov/ (coverage builds: coverage_objects.h),
//       complete   (written last: the entry is whole)
// ccache (CACHE/ccache, 20 GB) serves every O= folder of every tree.
#pragma once

#include <stdexcept>
#include <string>

#include "core/result.h"
#include "runners/kernel/kernel_config.h"

namespace dt {

struct BuildRequest {
  std::string tree;
  ConfigRecipe recipe;
  int jobs = 0;          // 0: one per CPU
  int nice = 10;         // the build shares the machine with guests
  bool quiet = false;
};

struct KernelBuild {
  std::string entry;         // the cache folder
  std::string image;         // ENTRY/bzImage
  std::string module_root;   // ENTRY/modules
  std::string config;        // ENTRY/.config
  std::string log;           // ENTRY/build.log
  std::string release;
  bool reused = false;       // found in the cache, nothing compiled
  double seconds = 0;
  KernelOrigin origin;
};

// The kernel did not compile (or link, or install): a bisect step that
// cannot be judged, unlike an environment error (UsageError).
struct BuildFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// UsageError naming the Debian package of the first missing build tool.
void require_build_tools();

KernelBuild build_kernel(const BuildRequest& request);

// The ccache folder all builds share.
std::string ccache_dir();

// kernel-origin.txt: "field: value" lines of a KernelOrigin.
void write_kernel_origin(const std::string& path, const KernelOrigin& origin);
KernelOrigin read_kernel_origin(const std::string& path);

}  // namespace dt
