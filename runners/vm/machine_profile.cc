#include "runners/vm/machine_profile.h"

#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/errors.h"
#include "core/text_file.h"

namespace dt {

uint64_t parse_size(const std::string& text) {
  size_t used = 0;
  unsigned long long number = 0;
  try {
    if (text.empty() || !isdigit(static_cast<unsigned char>(text[0]))) throw std::invalid_argument("");
    number = std::stoull(text, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("not a size");
  }
  std::string suffix = text.substr(used);
  if (suffix.empty()) return number;
  if (suffix.size() == 1 || (suffix.size() == 3 && suffix.substr(1) == "iB")) {
    switch (suffix[0]) {
      case 'K': return number << 10;
      case 'M': return number << 20;
      case 'G': return number << 30;
      case 'T': return number << 40;
    }
  }
  throw std::invalid_argument("unknown size suffix '" + suffix + "'");
}

namespace {
std::string trim(const std::string& text) {
  size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

using Setter = std::function<void(MachineProfile&, const std::string&)>;

Setter size_setter(uint64_t MachineProfile::*field) {
  return [field](MachineProfile& profile, const std::string& value) { profile.*field = parse_size(value); };
}

Setter number_setter(double MachineProfile::*field) {
  return [field](MachineProfile& profile, const std::string& value) {
    size_t used = 0;
    double number = std::stod(value, &used);
    if (used != value.size() || number <= 0) throw std::invalid_argument("not a positive number");
    profile.*field = number;
  };
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"name", [](MachineProfile& p, const std::string& v) { p.name = v; }},
      {"memory", size_setter(&MachineProfile::memory)},
      {"max_memory", size_setter(&MachineProfile::max_memory)},
      {"cpus", [](MachineProfile& p, const std::string& v) {
         size_t used = 0;
         int n = std::stoi(v, &used);
         if (used != v.size() || n < 1 || n > 64) throw std::invalid_argument("not a CPU count");
         p.cpus = n;
       }},
      {"cpu", [](MachineProfile& p, const std::string& v) { p.cpu = v; }},
      {"tcg_thread", [](MachineProfile& p, const std::string& v) {
         if (v != "multi" && v != "single") throw std::invalid_argument("not multi or single");
         p.tcg_thread = v;
       }},
      {"nvdimm_size", size_setter(&MachineProfile::nvdimm_size)},
      {"nvdimm_label_size", size_setter(&MachineProfile::nvdimm_label_size)},
      {"nvdimm_align", size_setter(&MachineProfile::nvdimm_align)},
      {"timeout_scale_tcg", number_setter(&MachineProfile::timeout_scale_tcg)},
      {"timeout_scale_kvm", number_setter(&MachineProfile::timeout_scale_kvm)},
      {"kernel_cmdline", [](MachineProfile& p, const std::string& v) { p.kernel_cmdline = v; }},
  };
  return table;
}

std::string known_keys() {
  std::string keys;
  for (const auto& [key, setter] : setters()) keys += (keys.empty() ? "" : ", ") + key;
  return keys;
}
}  // namespace

MachineProfile parse_machine_profile(const std::string& text, const std::string& file_name) {
  MachineProfile profile;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    auto where = [&](size_t column) {
      return file_name + ":" + std::to_string(number) + ":" + std::to_string(column + 1) + ": ";
    };
    size_t equals = line.find('=');
    if (equals == std::string::npos)
      throw UsageError(where(line.find_first_not_of(" \t")) + "expected 'key = value'; fix: "
                       "write one setting per line");
    std::string key = trim(line.substr(0, equals));
    std::string value = trim(line.substr(equals + 1));
    auto setter = setters().find(key);
    if (setter == setters().end())
      throw UsageError(where(line.find(key)) + "unknown key '" + key + "'; known keys: " + known_keys());
    try {
      setter->second(profile, value);
    } catch (const std::exception& error) {
      throw UsageError(where(equals + 1 + line.substr(equals + 1).find_first_not_of(" \t")) +
                       "bad value '" + value + "' for " + key + " (" + error.what() +
                       "); fix: sizes are like 2G or 128K");
    }
  }
  if (profile.nvdimm_label_size >= profile.nvdimm_size)
    throw UsageError(file_name + ": nvdimm_label_size must be smaller than nvdimm_size");
  return profile;
}

MachineProfile load_machine_profile(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) throw UsageError("cannot read machine profile " + path + "; fix: pass an existing "
                              "file to --profile (see vm-configs/)");
  return parse_machine_profile(*text, path);
}

}  // namespace dt
