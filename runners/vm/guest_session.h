// One boot of the test guest, watched from the host: the console is kept in
// console.log, the KTAP channel is forwarded to stdout as it arrives, and
// progress is shown on the terminal. A guest that panics, hangs or dies
// ends the session with what was seen; nothing already streamed is lost.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "reports/ktap.h"
#include "runners/vm/qemu_command.h"

namespace dt {

struct GuestSessionOutcome {
  int qemu_exit_status = -1;
  int qemu_killed_by = 0;           // signal that killed QEMU from outside
  int runner_exit_status = -1;      // the guest runner's, as init reported it
  std::string boot_stopped;         // why the guest runner ended this boot early
  bool deadline_hit = false;        // killed by the host's watchdog
  bool silent_too_long = false;     // no console or KTAP output for too long
  bool instance_overdue = false;    // the running instance had no result within its budget
  long overdue_budget_s = 0;        // that budget, for the reason
  bool interrupted = false;         // Ctrl-C or SIGTERM on the host
  std::string panic_line;           // "Kernel panic - not syncing: ..." if seen
  std::string init_fatal;           // "daxtorture-init: FATAL ..." if seen
  bool reached_userspace = false;
  bool probe_ok = false;
  double userspace_after_s = -1;    // boot time to the guest runner
  double first_instance_after_s = -1;
  double seconds = 0;
  size_t planned = 0;
  std::string last_running;         // instance running when the guest stopped
  std::string console_tail;         // last lines of the console
  bool task_dump_requested = false; // sysrq w and l sent before the kill
  bool poweroff_stuck = false;      // killed: no power-off long after the runner exited
  bool runner_stuck = false;        // killed: no next instance and no exit long after the last result
  std::string power_cut_for;        // instance whose request made us kill QEMU
  double power_cut_after_s = -1;    // when, in seconds since QEMU started
  std::string power_cut_console;    // the console from that instance's start to the cut
};

struct GuestSessionLimits {
  std::chrono::seconds deadline{3600};
  std::chrono::seconds silence{900};
  // Hang detection by progress: an instance with no KTAP result this long
  // after its "running" line is hung, however busy the console is (a hung
  // task's own reports keep it busy). By instance name; an instance not
  // listed gets `silence`.
  std::map<std::string, std::chrono::seconds> instance_budget;
  // Where each line of the guest's KTAP channel goes: a 'daxtorture vm'
  // run hands it to its KtapRelay (one stream for every boot and guest);
  // unset, the line is copied to stdout as it is (vm bench's table) when
  // forward_ktap is set.
  std::function<void(const std::string& line, const reports::KtapEvent& event)> on_ktap_line;
  bool forward_ktap = true;
  bool show_progress = true;        // progress lines on stderr
  // Set: called when an instance starts and when its result arrives,
  // instead of this session's own progress lines (parallel guests share
  // one progress line).
  std::function<void(const std::string& name)> on_started;
  // `name` is the instance's own, a repetition's "#N" kept.
  std::function<void(const std::string& name, Status status)> on_finished;
  std::string label;                // names the guest in messages ("guest 2: "), "" for one guest
};

GuestSessionOutcome run_guest_session(const QemuLaunch& launch, const std::string& console_log,
                                      const GuestSessionLimits& limits);

}  // namespace dt
