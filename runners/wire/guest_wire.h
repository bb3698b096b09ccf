// The guest -> host wire: every line a guest sends that a host program
// acts on, written by one function and read by one parser, here. What the
// lines look like, on which channel they travel and who reads them is in
// runners/wire/README.md; a change to any of them bumps kWireVersion.
//
// Text for people (the progress lines on stderr, runners/results/progress.h)
// is never read by a program: the "running" line below looks like progress,
// but it is this wire's and is written only by running_line().
#pragma once

#include <cstddef>
#include <string>

#include "reports/ktap.h"

namespace dt::wire {

// Version 1: the lines as 'daxtorture' 0.x has always written them.
inline constexpr int kWireVersion = 1;

// ---- the guest runner's KTAP stream (a KTAP diagnostic each) ----

// "[3/12] running NAME": instance NAME starts; PLACE (0-based) is its place
// in the whole run of TOTAL instances (its queue position when queued).
std::string running_line(size_t place, size_t total, const std::string& name);
// "stopping this boot: REASON": the runner stops before the instances it
// has not run; the host boots a fresh guest for them.
std::string stopping_line(const std::string& reason);

// What one KTAP line of a guest runner tells the host.
struct RunnerEvent {
  enum class Kind {
    other,          // anything else: header, plan, other diagnostics, nested lines
    running,        // an instance started: `name`
    stopping_boot,  // the runner stops this boot: `reason`
    result,         // a top-level result line: `result` (its name as KTAP describes it)
  };
  Kind kind = Kind::other;
  std::string name;
  std::string reason;
  reports::KtapResult result;
};

// The one parser of the runner's KTAP lines: `event` as a KtapReader read it.
RunnerEvent read_runner_event(const reports::KtapEvent& event);

// ---- the guest's console (guest-init.sh, the kernel log, the workloads) ----

// What one console line tells the host.
struct ConsoleEvent {
  enum class Kind {
    other,
    instance_begin,     // "daxtorture: begin NAME" (the runner's kernel-log marker)
    power_cut,          // a power_cut workload asks the host to kill QEMU now: `name`
    kernel_panic,       // "Kernel panic - not syncing: ..."
    init_fatal,         // "daxtorture-init: FATAL ..." (the guest cannot run)
    init_probe_ok,      // "daxtorture-init: probe ok" (accelerator probe boot)
    userspace_ready,    // "daxtorture-init: userspace ready, kernel RELEASE": `release`
    runner_exited,      // "daxtorture-init: guest command exited with status N": `exit_status`
  };
  Kind kind = Kind::other;
  std::string name;
  int exit_status = -1;
  std::string release;  // the guest kernel's, on userspace_ready
};

ConsoleEvent read_console_line(const std::string& line);

}  // namespace dt::wire
