#include "runners/kernel/coverage_objects.h"

#include <map>
#include <set>

namespace dt {

std::vector<std::string> coverage_make_variables(const std::vector<std::string>& objects) {
  // stem.o -> the folders holding an object of that name to profile
  std::map<std::string, std::set<std::string>> folders_of;
  for (const auto& object : objects) {
    auto slash = object.rfind('/');
    std::string folder = slash == std::string::npos ? "." : object.substr(0, slash);
    std::string name = slash == std::string::npos ? object : object.substr(slash + 1);
    folders_of[name].insert(folder);
  }
  std::vector<std::string> variables;
  for (const auto& [name, folders] : folders_of) {
    std::string list;
    for (const auto& folder : folders) list += (list.empty() ? "" : " ") + folder;
    variables.push_back("GCOV_PROFILE_" + name + "=$(if $(filter " + list + ",$(obj)),y,n)");
  }
  return variables;
}

}  // namespace dt
