// A whole 'daxtorture vm' run once its options are read: the instances
// selected once, the kernel and its guests, the guest pool, and the run
// finished like every host-side run (runners/results/run_finish.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/data_path.h"
#include "runners/plan/shard.h"
#include "runners/vm/vm_options.h"

namespace dt {

struct VmOptions {
  GuestOptions guest;
  std::vector<std::string> patterns;
  double timeout_scale = 0;
  long hang_timeout_s = 0;
  std::vector<std::string> injections;
  int repeat = 1;
  int jobs = 0;  // 0: from the machine
  std::optional<Shard> shard;
  std::string resume;
  std::string artifacts_url;
  std::string expectations = data_path("vm-configs/expectations");
};

// The run's exit status: 0 passed (or only known failures), 1 failed,
// 2 a guest could not be set up, 130 interrupted.
int run_vm(const VmOptions& options);

}  // namespace dt
