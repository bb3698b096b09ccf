// Workloads register themselves from their own file (DT_WORKLOAD); there is
// no second list to edit when a workload is added.
#pragma once

#include <string>
#include <vector>

#include "core/spec.h"

namespace dt {

// All registered workloads, sorted by group then name.
const std::vector<Workload>& all_workloads();

// Called by DT_WORKLOAD at static-initialization time.
bool register_workload(const WorkloadSpec& spec, WorkloadBody body,
                       const char* source_file);

// One runnable unit: a workload on one filesystem (or devdax) in one variant.
struct Instance {
  const Workload* workload;
  std::string fs;        // "xfs", "ext4", "devdax" or "none"
  std::string variant;
  int repetition = 1;        // --repeat: 2, 3, ... for the extra runs
  std::string name() const;  // "workload/fs/variant", "#N" appended for N > 1
};

// Each instance `times` times in a row, repetitions numbered from 1.
std::vector<Instance> repeat_instances(const std::vector<Instance>& instances, int times);
// The instance name without a "#N" repetition suffix.
std::string base_instance_name(const std::string& name);

// Expands workloads into instances and keeps those whose name matches one of
// the glob patterns (all default-set instances when the list is empty). A
// pattern that matches nothing is an error: a typo must not silently run
// nothing.
std::vector<Instance> select_instances(const std::vector<std::string>& patterns);

// Every injected fault must be one a selected workload declares: a typo must
// not produce a green run that proves nothing. Returns them comma-joined;
// throws UsageError naming the unknown one.
std::string validate_injections(const std::vector<std::string>& faults,
                                const std::vector<Instance>& instances);

}  // namespace dt

#define DT_CONCAT_INNER(a, b) a##b
#define DT_CONCAT(a, b) DT_CONCAT_INNER(a, b)
#define DT_WORKLOAD(spec, body)                                      \
  [[maybe_unused]] static const bool DT_CONCAT(dt_registered_, __LINE__) = \
      ::dt::register_workload((spec), (body), __FILE__)
