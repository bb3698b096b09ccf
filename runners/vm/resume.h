// Resuming an interrupted VM run (Ctrl-C, host reboot, a wedged guest): the
// instances that already have a verdict are kept, the rest run again into
// the same run folder.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

struct ResumePlan {
  RunResult previous;                  // the run as it was left
  std::vector<std::string> remaining;  // instances still to run, in their order
};

// true when the instance ran to a verdict of its own (not "not run", not
// cut off by a host interruption).
bool ran_to_a_verdict(const InstanceResult& instance);

// Reads RUN_DIR/run.json and moves it aside (.guest/previous-run.json), so
// that the guest writes a fresh one. Throws UsageError when the folder holds
// no run, or one made on another kernel.
ResumePlan plan_resume(const std::string& run_dir, const std::string& kernel_release);

// The previous verdicts for what had run, then the fresh results, in the
// original order of the run.
RunResult merge_resumed(const ResumePlan& plan, const RunResult& fresh);

}  // namespace dt
