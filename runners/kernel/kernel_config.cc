#include "runners/kernel/kernel_config.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/data_path.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "runners/kernel/logged_process.h"
#include "core/sha256.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
// "CONFIG_X=y" -> {CONFIG_X, "y"}; "# CONFIG_X is not set" -> {CONFIG_X, "n"}.
std::map<std::string, std::string> assignments(const std::string& text, std::vector<std::string>* order = nullptr) {
  static const std::regex set_line(R"(^(CONFIG_[A-Za-z0-9_]+)=(.*)$)");
  static const std::regex unset_line(R"(^# (CONFIG_[A-Za-z0-9_]+) is not set$)");
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    std::string name, value;
    if (std::regex_match(line, match, set_line)) name = match[1], value = match[2];
    else if (std::regex_match(line, match, unset_line)) name = match[1], value = "n";
    else continue;
    if (!values.count(name) && order) order->push_back(name);
    values[name] = value;
  }
  return values;
}

// "depends on" lines of `config NAME` in the tree's Kconfig files.
std::string dependencies_of(const std::string& tree, const std::string& symbol) {
  std::string name = symbol.substr(7);  // without CONFIG_
  static const std::regex entry_start(R"(^\s*(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|comment)\b)");
  std::vector<std::string> found;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(tree, error); it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) break;
    std::string base = it->path().filename();
    if (it->is_directory() && (base == ".git" || base == "Documentation" || base == "tools")) {
      it.disable_recursion_pending();
      continue;
    }
    if (base.rfind("Kconfig", 0) != 0 || !it->is_regular_file()) continue;
    std::ifstream in(it->path());
    std::string line;
    bool inside = false, help = false;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      std::string keyword, word;
      words >> keyword >> word;
      if (keyword == "config" || keyword == "menuconfig") {
        inside = word == name;
        help = false;
        continue;
      }
      if (inside && std::regex_search(line, entry_start)) inside = false;
      if (keyword == "help" || keyword == "---help---") help = true;
      if (!inside || help) continue;
      size_t at = line.find("depends on");
      if (at != std::string::npos && line.find_first_not_of(" \t") == at)
        found.push_back(line.substr(at + 11));
    }
  }
  std::string joined;
  for (const auto& clause : found) joined += (joined.empty() ? "" : " && ") + clause;
  return joined;
}

std::string describe_value(const std::string& value) { return value == "n" ? "not set" : value; }
}  // namespace

std::string default_fragment_path() { return data_path("vm-configs/kernel.config"); }
std::string lean_fragment_path() { return data_path("vm-configs/kernel-lean.config"); }
std::string coverage_fragment_path() {
  return data_path("vm-configs/kernel-coverage.config");
}

std::string ConfigRecipe::name() const {
  std::string base = base_config.empty() ? "x86_64_defconfig+kvm_guest.config"
                                         : fs::path(base_config).filename().string();
  return base + (lean ? "+kernel-lean.config" : "") + "+" + fs::path(fragment).filename().string() +
         (coverage ? "+kernel-coverage.config" : "");
}

std::string ConfigRecipe::base_key() const {
  // A coverage build compiles other objects with other flags: a folder of its own.
  std::string lean_part = std::string(lean ? "+kernel-lean.config" : "") + (coverage ? "+coverage" : "");
  if (base_config.empty()) return sha256_hex("x86_64_defconfig+kvm_guest.config" + lean_part).substr(0, 8);
  return sha256_hex(read_text_file(base_config).value_or(base_config) + lean_part).substr(0, 8);
}

std::string merge_fragment(const std::string& base, const std::string& fragment) {
  std::vector<std::string> order;
  auto wanted = assignments(fragment, &order);
  static const std::regex symbol_line(R"(^(# )?(CONFIG_[A-Za-z0-9_]+)[= ])");
  std::string merged;
  std::istringstream lines(base);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, match, symbol_line) && wanted.count(match[2])) continue;
    merged += line + "\n";
  }
  merged += "# daxtorture: " + std::to_string(order.size()) + " options of the fragment\n";
  for (const auto& name : order)
    merged += wanted[name] == "n" ? "# " + name + " is not set\n" : name + "=" + wanted[name] + "\n";
  return merged;
}

void make_kernel_config(const std::vector<std::string>& make, const ConfigRecipe& recipe,
                        const std::string& objtree, const std::string& log) {
  auto run_make = [&](const std::vector<std::string>& targets) {
    std::vector<std::string> argv = make;
    argv.insert(argv.end(), targets.begin(), targets.end());
    int status = run_logged({argv, "", {}, log, nullptr, 30});
    if (status != 0)
      throw SetupError("'make " + targets.front() + "' failed (exit " + std::to_string(status) +
                       "): " + file_tail(log, 6) + "(whole log: " + log + ")");
  };
  if (recipe.base_config.empty()) {
    run_make({"x86_64_defconfig"});
    run_make({"kvm_guest.config"});
  } else {
    auto base = read_text_file(recipe.base_config);
    if (!base) throw UsageError("cannot read --base-config " + recipe.base_config + "; fix: pass a .config file");
    write_text_file(objtree + "/.config", *base);
  }
  if (recipe.lean) {
    auto lean = read_text_file(lean_fragment_path());
    if (!lean) throw UsageError("cannot read " + lean_fragment_path());
    write_text_file(objtree + "/.config", merge_fragment(read_text_file(objtree + "/.config").value_or(""), *lean));
  }
  auto fragment = read_text_file(recipe.fragment);
  if (!fragment) throw UsageError("cannot read the config fragment " + recipe.fragment);
  write_text_file(objtree + "/.config", merge_fragment(read_text_file(objtree + "/.config").value_or(""), *fragment));
  if (recipe.coverage) {
    auto coverage = read_text_file(coverage_fragment_path());
    if (!coverage) throw UsageError("cannot read " + coverage_fragment_path());
    write_text_file(objtree + "/.config",
                    merge_fragment(read_text_file(objtree + "/.config").value_or(""), *coverage));
  }
  run_make({"olddefconfig"});
}

std::vector<std::string> dropped_options(const std::string& tree, const std::string& fragment_text,
                                         const std::string& config_text) {
  std::vector<std::string> order;
  auto wanted = assignments(fragment_text, &order);
  auto have = assignments(config_text);
  std::vector<std::string> dropped;
  for (const auto& name : order) {
    std::string want = wanted[name];
    std::string got = have.count(name) ? have[name] : "n";
    // A module option built in (another option selected it =y) serves as well.
    if (got == want || (want == "m" && got == "y")) continue;
    std::string deps = dependencies_of(tree, name);
    dropped.push_back(name + "=" + describe_value(want) + " (now " + describe_value(got) +
                      (deps.empty() ? "" : "; depends on " + deps) + ")");
  }
  return dropped;
}

}  // namespace dt
