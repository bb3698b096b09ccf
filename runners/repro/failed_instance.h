// The instance a reproducer or a report is about: RUN/instances/NAME of a
// run that 'daxtorture vm' made, which failed, on a kernel whose origin the
// run recorded. Anything else is refused with one line naming the fix.
#pragma once

#include <string>

#include "core/result.h"

namespace dt {

struct FailedInstance {
  std::string run_dir;       // RUN
  std::string instance_dir;  // RUN/instances/NAME
  RunResult run;
  InstanceResult instance;
};

FailedInstance load_failed_instance(const std::string& instance_dir);

}  // namespace dt
