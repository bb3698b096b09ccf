// The .config of a kernel built for daxtorture: a small base, the suite's
// fragment (vm-configs/kernel.config) merged over it, olddefconfig, then a
// check that olddefconfig kept every option of the fragment. Kconfig drops
// an option whose dependencies are unmet without a word, and a kernel
// without FS_DAX only fails later, at boot.
#pragma once

#include <string>
#include <vector>

namespace dt {

struct ConfigRecipe {
  std::string base_config;   // a .config file; "" = x86_64_defconfig + kvm_guest.config
  std::string fragment;      // the suite's fragment
  bool lean = false;         // also vm-configs/kernel-lean.config over the base
  bool coverage = false;     // also vm-configs/kernel-coverage.config (gcov), last
  // "x86_64_defconfig+kvm_guest.config+kernel.config", for run.json.
  std::string name() const;
  // Names the base alone: one incremental build folder per tree and base.
  std::string base_key() const;
};

std::string default_fragment_path();
std::string lean_fragment_path();
std::string coverage_fragment_path();

// Writes OBJTREE/.config from the recipe; make's output is appended to LOG.
// `make` holds the command prefix and variables every make call shares.
void make_kernel_config(const std::vector<std::string>& make, const ConfigRecipe& recipe,
                        const std::string& objtree, const std::string& log);

// Options of the fragment that the final config does not hold, each as
// "CONFIG_X=y (now not set; depends on A && B)"; the dependencies are read
// from the tree's Kconfig files.
std::vector<std::string> dropped_options(const std::string& tree, const std::string& fragment_text,
                                         const std::string& config_text);

// The base with every option of the fragment replaced by the fragment's line.
std::string merge_fragment(const std::string& base, const std::string& fragment);

}  // namespace dt
