#include "core/kernel_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <sstream>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"

namespace dt {

std::vector<int> parse_kernel_version(const std::string& release) {
  std::vector<int> parts;
  size_t i = 0;
  while (parts.size() < 3 && i < release.size() && isdigit(static_cast<unsigned char>(release[i]))) {
    int value = 0;
    while (i < release.size() && isdigit(static_cast<unsigned char>(release[i])))
      value = value * 10 + (release[i++] - '0');
    parts.push_back(value);
    if (i < release.size() && release[i] == '.') ++i;
    else break;
  }
  while (parts.size() < 3) parts.push_back(0);
  return parts;
}

bool kernel_at_least(const std::string& release, const std::string& minimum) {
  if (minimum.empty()) return true;
  if (!isdigit(static_cast<unsigned char>(minimum[0])))
    throw std::logic_error("minimum kernel '" + minimum + "' is not a version");
  return parse_kernel_version(release) >= parse_kernel_version(minimum);
}

std::string running_kernel_release() {
  utsname names{};
  uname(&names);
  return names.release;
}

std::optional<KernelConfig> KernelConfig::load(const std::string& explicit_path) {
  std::string path = explicit_path.empty() ? "/boot/config-" + running_kernel_release()
                                           : explicit_path;
  auto text = read_text_file(path);
  if (!text) {
    if (!explicit_path.empty())
      throw UsageError("cannot read kernel config " + explicit_path +
                       "; fix: pass the .config of the kernel under test");
    return std::nullopt;
  }
  KernelConfig config = parse(*text);
  config.source = path;
  return config;
}

KernelConfig KernelConfig::parse(const std::string& text) {
  KernelConfig config;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("CONFIG_", 0) != 0) continue;
    size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    config.options_[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return config;
}

bool KernelConfig::satisfies(const std::string& requirement) const {
  size_t equals = requirement.find('=');
  std::string option = requirement.substr(0, equals);
  auto it = options_.find(option);
  if (it == options_.end()) return false;
  if (equals == std::string::npos) return it->second == "y" || it->second == "m";
  return it->second == requirement.substr(equals + 1);
}

bool module_loaded(const std::string& name) {
  std::string sysname = name;
  for (auto& c : sysname)
    if (c == '-') c = '_';
  return access(("/sys/module/" + sysname).c_str(), F_OK) == 0;
}

std::string load_module(const std::string& name, const std::vector<std::string>& params) {
  std::vector<std::string> argv = {"modprobe", "--ignore-install", name};
  argv.insert(argv.end(), params.begin(), params.end());
  try {
    // Generous: under TCG on a loaded host, the first modprobe xfs of a boot
    // took 126 s (7.3.4, whole suite at --jobs 2); at 60 s it was killed
    // half-loaded and its instance went BROKEN. A hung load still ends.
    CommandResult result = run_command(argv, std::chrono::seconds(300));
    if (result.exit_status == 0) return "";
    return "modprobe " + name + " failed: " + describe_failure(result);
  } catch (const SetupError& error) {
    return error.what();
  }
}

std::string unload_module(const std::string& name) {
  if (!module_loaded(name)) return "";
  CommandResult result = run_command({"modprobe", "-r", name}, std::chrono::seconds(60));
  if (result.exit_status == 0) return "";
  return "modprobe -r " + name + " failed: " + describe_failure(result);
}

}  // namespace dt
