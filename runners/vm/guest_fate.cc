#include "runners/vm/guest_fate.h"

#include <string.h>

#include <sstream>

#include "core/data_path.h"
#include "core/kernel_log.h"
#include "runners/results/guest_death.h"
#include "runners/results/results_store.h"
#include "runners/wire/guest_wire.h"

namespace dt {

namespace {
std::string with_dump(const GuestSessionOutcome& outcome) {
  return outcome.task_dump_requested ? " after a sysrq task dump (in console-tail.txt)" : "";
}

std::string signal_name(int signal) {
  const char* name = sigabbrev_np(signal);
  return std::string("SIG") + (name ? name : std::to_string(signal).c_str());
}
}  // namespace

std::string guest_fate(const GuestSessionOutcome& outcome) {
  if (!outcome.init_fatal.empty()) return "guest set-up failed: " + outcome.init_fatal;
  if (!outcome.panic_line.empty()) return "guest kernel panic: " + outcome.panic_line;
  if (outcome.interrupted) return "the run was interrupted on the host (Ctrl-C or SIGTERM)";
  if (!outcome.power_cut_for.empty())
    return "the power was cut for " + outcome.power_cut_for + " and no boot was left to continue the run";
  if (outcome.deadline_hit) return "the guest overran the run's deadline and was killed";
  if (outcome.instance_overdue)
    return "the guest was hung (no result " + std::to_string(outcome.overdue_budget_s) +
           " s after the instance started) and was killed" + with_dump(outcome);
  if (outcome.silent_too_long) return "the guest was silent too long (hung) and was killed" + with_dump(outcome);
  if (outcome.qemu_killed_by != 0) return "QEMU was killed from outside (" + signal_name(outcome.qemu_killed_by) + ")";
  if (!outcome.boot_stopped.empty()) return "the guest runner stopped the boot: " + outcome.boot_stopped;
  if (outcome.runner_stuck)
    return "the guest runner was stuck after its last result (no next instance, no exit) and was killed";
  if (outcome.runner_exit_status > 1)
    return "the guest runner died (exit status " + std::to_string(outcome.runner_exit_status) +
           (outcome.runner_exit_status > 128 ? ": killed by " + signal_name(outcome.runner_exit_status - 128) : "") +
           ")";
  return "the guest stopped (QEMU exit status " + std::to_string(outcome.qemu_exit_status) + ")";
}

Status fate_status(const GuestSessionOutcome& outcome) {
  return dead_guest_status({!outcome.panic_line.empty(), outcome.deadline_hit || outcome.silent_too_long,
                            outcome.interrupted});
}

namespace {
// The guest judges its kernel log against this list (vm passes no other);
// the host names no line the guest would have excused.
const AllowList& default_allow_list() {
  static const AllowList allow = [] {
    try {
      return AllowList::load(data_path("vm-configs/dmesg-allow.txt"));
    } catch (const std::exception&) {
      return AllowList();  // the guest's own run refuses a bad list, with its line
    }
  }();
  return allow;
}
}  // namespace

std::string first_kernel_report_after_begin(const std::string& console, const std::string& name) {
  std::istringstream lines(console);
  std::string line;
  bool began = false;
  std::string first;
  while (std::getline(lines, line)) {
    wire::ConsoleEvent event = wire::read_console_line(line);
    if (event.kind == wire::ConsoleEvent::Kind::instance_begin) {
      // A later begin of the same name (a repeat) starts the slice again.
      began = event.name == name;
      first.clear();
      continue;
    }
    if (!began || !first.empty()) continue;
    // Kernel lines only (they carry the printk timestamp): the runner's
    // progress lines quote findings too.
    auto record = parse_dmesg_line(line);
    if (record && !findings({*record}, default_allow_list()).empty()) first = line;
  }
  return first;
}

InstanceResult running_instance_result(const Instance& instance, const GuestSessionOutcome& outcome,
                                       const std::string& console_log) {
  std::string reason = guest_fate(outcome) + " while this instance ran";
  if (!outcome.interrupted) {
    // The guest could not report what the kernel said, so the host points
    // at it. Only the runner's mm ledger could place the line with this
    // instance's processes, and it did not run: the line is context, and
    // the verdict stays the guest's fate.
    std::string report = first_kernel_report_after_begin(outcome.console_tail, instance.name());
    if (!report.empty()) reason += "; the kernel's first report after it began (not placed): " + report;
    reason += "; see " + console_log;
  }
  return not_run_result(instance, fate_status(outcome), reason);
}

InstanceResult not_run_after(const Instance& instance, const GuestSessionOutcome& outcome) {
  return not_run_result(instance, Status::broken, "not run: " + guest_fate(outcome));
}

}  // namespace dt
