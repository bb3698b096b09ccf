#include "runners/cli/list_command.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/registry.h"
#include "reports/json_report.h"

namespace dt {

const char* const kListHelp = R"(usage: daxtorture list [-t PATTERN]... [--default-set] [--instances] [--json]

Lists the registered workloads: group, name, summary, what each needs (root,
namespace mode, filesystems, kernel config, modules, minimum kernel), the
kernel fixes it guards, its timeout and variants. Workloads outside the
default set (selftests) are marked.

options:
  -t, --test PATTERN   only instances matching PATTERN (as for 'run')
  --default-set        only the instances a run without -t runs
  --instances          one line per instance (workload/fs/variant) instead
  --json               machine-readable output
)";

namespace {
const char* mode_name(NamespaceMode mode) {
  switch (mode) {
    case NamespaceMode::none: return "none";
    case NamespaceMode::fsdax: return "fsdax";
    case NamespaceMode::devdax: return "devdax";
  }
  return "?";
}

nlohmann::json workload_json(const Workload& workload) {
  const auto& spec = workload.spec;
  nlohmann::json fixes = spec.fixes;  // reports/json_report.h's to_json(FixTag)
  return {{"name", spec.name},
          {"group", spec.group},
          {"summary", spec.summary},
          {"default", spec.in_default_set},
          {"timeout_s", spec.timeout.count()},
          {"variants", spec.variants},
          {"fixes", fixes},
          {"source", workload.source_file},
          {"injections", spec.injections},
          {"needs",
           {{"root", spec.needs.root},
            {"mode", mode_name(spec.needs.mode)},
            {"filesystems", spec.needs.filesystems},
            {"min_namespace_bytes", spec.needs.min_namespace_bytes},
            {"kconfig", spec.needs.kconfig},
            {"modules", spec.needs.modules},
            {"min_kernel", spec.needs.min_kernel},
            {"slow_device", spec.needs.slow_device}}}};
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ",") + word;
  return text;
}
}  // namespace

int list_main(Args& args) {
  std::vector<std::string> patterns;
  bool per_instance = false, as_json = false, default_set = false;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("'daxtorture list' takes options only");
    if (*option == "-t" || *option == "--test") patterns.push_back(args.value(*option));
    else if (*option == "--instances") per_instance = true;
    else if (*option == "--json") as_json = true;
    else if (*option == "--default-set") default_set = true;
    else unknown_option("list", *option);
  }
  if (default_set && !patterns.empty()) throw UsageError("--default-set and -t exclude each other");
  // With no pattern, list everything, selftests included.
  if (patterns.empty() && !default_set) patterns.push_back("*");
  auto instances = select_instances(patterns);

  if (per_instance) {
    for (const auto& instance : instances) std::cout << instance.name() << "\n";
    return 0;
  }
  std::vector<const Workload*> workloads;
  for (const auto& instance : instances)
    if (workloads.empty() || workloads.back() != instance.workload) workloads.push_back(instance.workload);

  if (as_json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto* workload : workloads) list.push_back(workload_json(*workload));
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  for (const auto* workload : workloads) {
    const auto& spec = workload->spec;
    std::cout << spec.group << "/" << spec.name << (spec.in_default_set ? "" : "  [not in default set]")
              << "\n    " << spec.summary << "\n    needs: " << mode_name(spec.needs.mode);
    if (spec.needs.mode == NamespaceMode::fsdax) std::cout << " on " << joined(spec.needs.filesystems);
    if (spec.needs.mode == NamespaceMode::devdax)
      std::cout << " align " << (spec.needs.devdax_align >> 10) << " KiB";
    if (spec.needs.slow_device) std::cout << ", slow device (" << spec.needs.slow_delay_ms << " ms)";
    if (!spec.needs.kconfig.empty()) std::cout << ", " << joined(spec.needs.kconfig);
    if (!spec.needs.modules.empty()) std::cout << ", modules " << joined(spec.needs.modules);
    if (!spec.needs.min_kernel.empty()) std::cout << ", kernel >= " << spec.needs.min_kernel;
    std::cout << "\n    timeout " << spec.timeout.count() << " s, variants " << joined(spec.variants) << "\n";
    if (!spec.injections.empty()) std::cout << "    injections: " << joined(spec.injections) << "\n";
    for (const auto& fix : spec.fixes)
      std::cout << "    guards linux-git " << fix.sha << " (\"" << fix.subject << "\")\n";
  }
  return 0;
}

}  // namespace dt
