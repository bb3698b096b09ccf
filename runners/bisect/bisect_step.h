// One step of a bisect: build the commit the tree is at (the built-in build
// or the user's --build-command), boot it with 'daxtorture vm', run the
// selected instances, and judge. Known-failure files do not apply: the
// question is this commit's behaviour, not whether it is new.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "runners/bisect/bisect_options.h"

namespace dt {

// passes: every instance PASSed. fails: a FAIL, CRASH or TIMEOUT. skip: the
// step cannot judge (build or boot failed, BROKEN, SKIP).
enum class Outcome { passes, fails, skip };
const char* outcome_name(Outcome outcome);   // "pass", "fail", "skip"

struct StepResult {
  int number = 0;
  std::string role;         // "step", "endpoint"
  std::string commit, subject;
  double build_s = 0, run_s = 0;
  Outcome outcome = Outcome::skip;
  std::string reason;       // the failing instances, or why it was skipped
  std::string run_dir;      // "" when it never booted
  bool interrupted = false; // SIGINT/SIGTERM arrived: the verdict is not one
};

// Builds and runs the commit the tree is checked out at.
StepResult run_bisect_step(const BisectOptions& options, const std::string& bisect_dir, int number,
                           const std::string& role, const std::string& commit);

// "NAME STATUS: the first failed check (or kernel finding, or reason)".
std::string instance_evidence(const InstanceResult& instance);

// The run's verdict over the selected instances (exposed for unit tests).
Outcome judge_run(const RunResult& run, std::string* reason);

}  // namespace dt
