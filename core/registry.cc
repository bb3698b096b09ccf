#include "core/registry.h"

#include <fnmatch.h>

#include <algorithm>
#include <stdexcept>

#include "core/errors.h"

namespace dt {

namespace {
// A function-local static avoids the static-initialization-order problem:
// workload files register before main() runs, in no defined order.
std::vector<Workload>& registry() {
  static std::vector<Workload> workloads;
  return workloads;
}

bool valid_slug(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::vector<std::string> instance_filesystems(const WorkloadSpec& spec) {
  switch (spec.needs.mode) {
    case NamespaceMode::none: return {"none"};
    case NamespaceMode::devdax: return {"devdax"};
    case NamespaceMode::fsdax: return spec.needs.filesystems;
  }
  return {};
}
}  // namespace

bool register_workload(const WorkloadSpec& spec, WorkloadBody body,
                       const char* source_file) {
  // A malformed spec is a programming error: fail at start-up, loudly.
  if (!valid_slug(spec.name))
    throw std::logic_error(std::string(source_file) + ": workload name '" +
                           spec.name + "' is not a lower_case slug");
  for (const auto& other : registry())
    if (other.spec.name == spec.name)
      throw std::logic_error(std::string(source_file) + ": workload '" +
                             spec.name + "' is registered twice (also in " +
                             other.source_file + ")");
  if (spec.needs.mode == NamespaceMode::fsdax && spec.needs.filesystems.empty())
    throw std::logic_error(std::string(source_file) + ": fsdax workload '" +
                           spec.name + "' lists no filesystem");
  // Variants and injections are names a user types (-t, --inject): each must
  // be a slug, once; a typed set (NameList::known, from a NameTable or a
  // cell type) must know every name the spec declares.
  auto refuse = [&](const std::string& what) {
    throw std::logic_error(std::string(source_file) + ": workload '" + spec.name + "': " + what);
  };
  auto check_names = [&](const std::vector<std::string>& names, const char* kind, bool dots) {
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& n = names[i];
      bool ok = !n.empty() && std::all_of(n.begin(), n.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dots && c == '.');
      });
      if (!ok) refuse(std::string(kind) + " '" + n + "' is not a lower_case slug");
      if (std::find(names.begin(), names.begin() + i, n) != names.begin() + i)
        refuse(std::string(kind) + " '" + n + "' is declared twice");
    }
  };
  if (spec.variants.empty()) refuse("declares no variant");
  check_names(spec.variants, "variant", true);
  check_names(spec.injections, "injection", false);
  auto check_known = [&](const NameList& names, const char* kind) {
    if (!names.known) return;
    for (const auto& name : names)
      if (!names.known(name))
        refuse(std::string(kind) + " '" + name + "' is not one its body knows");
  };
  check_known(spec.variants, "variant");
  check_known(spec.injections, "injection");
  // Kept in (group, name) order as it grows, so that reading it never
  // writes: the guests of one 'vm --jobs' run select instances from their
  // own threads, and Instances point into this vector (an in-place sort
  // on every read raced there and freed strings twice).
  auto& workloads = registry();
  auto after = std::upper_bound(workloads.begin(), workloads.end(), spec, [](const WorkloadSpec& s, const Workload& w) {
    return std::tie(s.group, s.name) < std::tie(w.spec.group, w.spec.name);
  });
  workloads.insert(after, {spec, body, source_file});
  return true;
}

const std::vector<Workload>& all_workloads() { return registry(); }

std::string Instance::name() const {
  std::string base = workload->spec.name + "/" + fs + "/" + variant;
  return repetition > 1 ? base + "#" + std::to_string(repetition) : base;
}

std::vector<Instance> repeat_instances(const std::vector<Instance>& instances, int times) {
  if (times <= 1) return instances;  // keeps a repetition chosen as "NAME#2"
  std::vector<Instance> repeated;
  for (const auto& instance : instances)
    for (int k = 1; k <= times; ++k) {
      Instance copy = instance;
      copy.repetition = k;
      repeated.push_back(copy);
    }
  return repeated;
}

std::string base_instance_name(const std::string& name) {
  return name.substr(0, name.find('#'));
}

std::vector<Instance> select_instances(const std::vector<std::string>& patterns) {
  std::vector<Instance> all;
  for (const auto& workload : all_workloads())
    for (const auto& fs : instance_filesystems(workload.spec))
      for (const auto& variant : workload.spec.variants)
        all.push_back({&workload, fs, variant});

  if (patterns.empty()) {
    std::vector<Instance> defaults;
    for (const auto& instance : all)
      if (instance.workload->spec.in_default_set) defaults.push_back(instance);
    return defaults;
  }

  // A bare workload name or prefix selects all its instances: "pmd_fault_xfs"
  // is read as "pmd_fault_xfs/*". Groups work the same way through "group:";
  // "set:default" is the default set, so that more can be run beside it.
  std::vector<Instance> chosen;
  for (const auto& whole_pattern : patterns) {
    // "NAME#3": the third repetition of NAME (what a later boot of a
    // --repeat run is given for the instances left).
    std::string pattern = base_instance_name(whole_pattern);
    int repetition = 1;
    if (pattern.size() < whole_pattern.size()) {
      std::string digits = whole_pattern.substr(pattern.size() + 1);
      if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(digits) < 1)
        throw UsageError("'" + whole_pattern + "': a repetition suffix is '#' and a number from 1, "
                         "as in NAME#2");
      repetition = std::stoi(digits);
    }
    bool matched = false;
    for (Instance instance : all) {
      instance.repetition = repetition;
      const std::string name = base_instance_name(instance.name());
      const auto& spec = instance.workload->spec;
      bool hit = fnmatch(pattern.c_str(), name.c_str(), 0) == 0 ||
                 fnmatch((pattern + "/*").c_str(), name.c_str(), 0) == 0 ||
                 pattern == "group:" + spec.group || (pattern == "set:default" && spec.in_default_set);
      if (!hit) continue;
      matched = true;
      bool already = std::any_of(chosen.begin(), chosen.end(), [&](const Instance& c) {
        return c.name() == instance.name();
      });
      if (!already) chosen.push_back(instance);
    }
    if (!matched)
      throw UsageError("no workload instance matches '" + whole_pattern +
                       "'; run 'daxtorture list' to see the names");
  }
  return chosen;
}

std::string validate_injections(const std::vector<std::string>& faults,
                                const std::vector<Instance>& instances) {
  std::string list;
  for (const auto& fault : faults) {
    bool known = false;
    for (const auto& instance : instances)
      for (const auto& declared : instance.workload->spec.injections)
        if (declared == fault) known = true;
    if (!known)
      throw UsageError("no selected workload declares the fault '" + fault +
                       "'; 'daxtorture list' shows each workload's injections");
    list += (list.empty() ? "" : ",") + fault;
  }
  return list;
}

}  // namespace dt
