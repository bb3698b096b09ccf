// Forks a workload body into its own process group and watches it: the
// child reports over a pipe as it goes, the parent enforces the timeout,
// captures the kernel stacks of a hung instance and kills what is left.
#pragma once

#include <chrono>
#include <string>

#include "core/context.h"
#include "core/reporter.h"

namespace dt {

struct ChildOutcome {
  ChildReport report;
  bool timed_out = false;
  bool unreapable = false;   // still alive after SIGKILL: stuck in the kernel
  int exit_code = -1;        // when it exited normally
  int signal = 0;            // when a signal ended it
  double seconds = 0;
  std::string stacks;        // tasks and kernel stacks seen at the timeout
  size_t escaped = 0;        // descendants that left the process group, killed
};

ChildOutcome run_workload_child(const Instance& instance, const InstanceEnvironment& env,
                                std::chrono::milliseconds timeout);

}  // namespace dt
