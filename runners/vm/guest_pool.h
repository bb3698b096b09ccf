// The guests of one 'daxtorture vm' run, side by side: each boots, pulls
// instances from the run's shared queue (runners/plan/work_queue.h) until it is
// empty, and is booted again after a power cut or a failure (boot_plan.h)
// while the others keep running. Every guest writes its instances into the
// one run folder (RUN/instances, through a link in its own folder
// RUN/.guest/gN, where it keeps its run.json and what it took); the host
// reads each instance's record once as its result line arrives
// (runners/results/guest_record.h), judges what a dead guest was running
// (guest_fate.h), feeds one KTAP stream (ktap_relay.h) and one progress
// line, and rewrites RUN/run.json from the results it holds after every
// result, so an interrupted run can be resumed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/registry.h"
#include "core/result.h"
#include "runners/results/progress.h"
#include "runners/vm/guest_session.h"
#include "runners/vm/ktap_relay.h"
#include "runners/vm/qemu_command.h"
#include "runners/vm/resume.h"

namespace dt {

struct GuestPoolSettings {
  std::string run_dir;
  std::string run_id;
  // Every instance of this run, in the run's order (report order), as
  // selected once by the command, and the order guests take them in (by
  // name, longest first when several guests share).
  std::vector<Instance> instances;
  std::vector<std::string> queue_order;
  std::vector<std::string> injections;
  double timeout_scale = 1;
  long hang_timeout_s = 0;
  bool quiet = false;
  std::optional<ResumePlan> resumed;  // the verdicts kept from the run resumed
  bool kernel_coverage = false;       // the guests run 'daxtorture run --kernel-coverage'
};

// What one guest did, for run.json.
struct GuestRecord {
  int boots = 0;       // QEMU starts, early deaths retried included
  int reboots = 0;     // fresh boots after a guest failure
  int power_cuts = 0;
  int fruitless = 0;   // its last sessions in a row that gave no verdict
  size_t instances = 0;  // results this guest produced (its own and its fates)
  std::string console_log;  // file name in the run folder
  GuestSessionOutcome first;  // its first session (boot times)
  GuestSessionOutcome last;   // its last session (why it stopped)
};

struct GuestPoolResult {
  RunResult run;  // every instance of the run, resumed ones included
  std::vector<GuestRecord> guests;
  bool interrupted = false;
  std::string init_fatal;  // a guest's set-up failure line, "" for none
};

// Seconds from the guests' start to the first instance any of them began
// (each guest's first session), or -1 when none began. Not guest 1's
// alone: with several guests the first to begin is often another.
double first_instance_after_s(const std::vector<GuestRecord>& guests);

// Runs the guests of `launches` (one per guest) until every instance has a
// verdict or no guest can go on; instances left get "not run" with the
// last guest's fate.
GuestPoolResult run_guest_pool(const std::vector<QemuLaunch>& launches, const GuestPoolSettings& settings,
                               KtapRelay& relay, GuestsProgress& progress);

// The guest's command, left in the run folder for its /init: 'daxtorture
// run' over every instance of the run, taking them from the queue, with
// `first` (the power cut's instance) first when not empty.
std::string guest_run_script(const QemuLaunch& launch, const GuestPoolSettings& settings, int guest,
                             const std::string& first);

// The limits of a session that may run `instances`: a run deadline, the
// silence limit and each instance's budget (hang detection by progress).
GuestSessionLimits session_limits(const std::vector<Instance>& instances, double scale, long hang_timeout_s);

// The order guests take the instances in. One guest: the run's order.
// Several: longest expected first (runners/plan/shard.h's estimate; ties keep
// the run's order), so that no guest starts a long instance while the
// others are about to finish.
std::vector<std::string> queue_order(const std::vector<Instance>& instances, int jobs);

// Folder of guest `guest` (0-based) in the run folder, host side.
std::string guest_folder(const std::string& run_dir, int guest);

}  // namespace dt
