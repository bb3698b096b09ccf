#include "runners/kernel/coverage_objects.h"

#include <filesystem>
#include <map>
#include <set>

#include "core/text_file.h"

namespace fs = std::filesystem;

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

void keep_coverage_notes(const std::string& objtree, const std::string& tree, const std::string& dest) {
  make_directories(dest);
  write_text_file(dest + "/objtree", objtree + "\n");
  for (const auto& object : kCoverageObjects) {
    fs::path notes = fs::path(objtree) / fs::path(object).replace_extension(".gcno");
    if (!fs::exists(notes)) continue;
    fs::path target = fs::path(dest) / "notes" / fs::path(object).replace_extension(".gcno");
    make_directories(target.parent_path());
    fs::copy_file(notes, target, fs::copy_options::overwrite_existing);
  }
  for (const auto& file : kCoverageFiles) {
    fs::path source = fs::path(tree) / file;
    if (!fs::exists(source)) continue;
    fs::path target = fs::path(dest) / "source" / file;
    make_directories(target.parent_path());
    fs::copy_file(source, target, fs::copy_options::overwrite_existing);
  }
}

}  // namespace dt
