// Facts about the running kernel that decide whether a workload's needs are
// met: release, config options, loadable modules.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dt {

// "6.12.117+deb12-amd64" -> {6, 12, 117}; missing parts are 0.
std::vector<int> parse_kernel_version(const std::string& release);
// true when release >= minimum ("6.1" style); an unparsable minimum is an error.
bool kernel_at_least(const std::string& release, const std::string& minimum);

std::string running_kernel_release();

// A kernel .config: option -> value ("y", "m", "\"string\"").
class KernelConfig {
 public:
  // Reads the given file, or else /boot/config-$(uname -r). nullopt when
  // none is readable: kconfig needs are then unknown, not unmet.
  static std::optional<KernelConfig> load(const std::string& explicit_path = "");
  static KernelConfig parse(const std::string& text);
  // "CONFIG_FS_DAX" is met by =y or =m; "CONFIG_FOO=y" demands that value.
  bool satisfies(const std::string& requirement) const;
  std::string source;

 private:
  std::map<std::string, std::string> options_;
};

// Loads a module (with parameters) through modprobe, ignoring install rules
// from the host's /etc/modprobe.d. Returns an empty string on success, else
// the reason it could not be loaded.
std::string load_module(const std::string& name, const std::vector<std::string>& params = {});
// Unloads a module; returns "" on success or the reason.
std::string unload_module(const std::string& name);
bool module_loaded(const std::string& name);

}  // namespace dt
