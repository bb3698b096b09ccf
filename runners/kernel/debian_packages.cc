#include "runners/kernel/debian_packages.h"

#include <set>
#include <sstream>

#include "core/command.h"

namespace dt {

std::vector<std::string> parse_dpkg_search(const std::string& output) {
  std::set<std::string> packages;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("diversion by", 0) == 0 || line.rfind("dpkg-query:", 0) == 0) continue;
    size_t separator = line.find(": /");
    if (separator == std::string::npos) continue;
    std::istringstream names(line.substr(0, separator));
    std::string name;
    while (std::getline(names, name, ',')) {
      size_t start = name.find_first_not_of(' ');
      if (start == std::string::npos) continue;
      name = name.substr(start);
      packages.insert(name.substr(0, name.find(':')));
    }
  }
  return {packages.begin(), packages.end()};
}

std::map<std::string, std::string> owning_packages(const std::vector<std::string>& files) {
  std::map<std::string, std::string> versions;
  if (files.empty() || !program_available("dpkg-query")) return versions;
  std::vector<std::string> argv = {"dpkg-query", "-S"};
  for (const auto& file : files) {
    argv.push_back(file);
    if (file.rfind("/usr/", 0) == 0) argv.push_back(file.substr(4));
  }
  // Exit status 1 only says some path has no owner (ours, the kernel cache's).
  std::vector<std::string> packages = parse_dpkg_search(run_command(argv, std::chrono::seconds(120)).output);
  if (packages.empty()) return versions;
  std::vector<std::string> query = {"dpkg-query", "-W", "-f", "${Package} ${Version}\\n"};
  query.insert(query.end(), packages.begin(), packages.end());
  std::istringstream lines(run_command(query, std::chrono::seconds(60)).output);
  std::string package, version;
  while (lines >> package >> version) versions[package] = version;
  return versions;
}

std::string format_package_versions(const std::map<std::string, std::string>& versions) {
  std::string text;
  for (const auto& [package, version] : versions)
    text += (text.empty() ? "" : " ") + package + "=" + version;
  return text;
}

}  // namespace dt
