#include "runners/vm/session_watch.h"

#include <iostream>

#include "runners/results/progress.h"
#include "runners/wire/guest_wire.h"

namespace dt {

namespace {
// How long init may take to sync and power off after the runner exited.
constexpr auto kPoweroffGrace = std::chrono::seconds(60);
// How long the runner may go between a result and its next "running" line
// or its exit. It only takes an entry from the queue, or tears the pool
// down at the end: longer means it is stuck in the kernel (after an oops
// with a task stuck in a torn-down fixture it had said "stopping this
// boot", and then never exited), while the console stays busy. Every
// result is on the host by then; the instances it had not started go back
// to the queue.
constexpr auto kRunnerIdleLimit = std::chrono::seconds(120);
constexpr size_t kTailLines = 400;
}  // namespace

SessionWatch::SessionWatch(GuestSessionOutcome& outcome, const GuestSessionLimits& limits, Clock::time_point started,
                           std::function<void()> cut_power)
    : outcome_(outcome), limits_(limits), started_(started), cut_power_(std::move(cut_power)) {}

double SessionWatch::seconds_at(Clock::time_point now) const {
  return std::chrono::duration<double>(now - started_).count();
}

void SessionWatch::console_line(const std::string& line, Clock::time_point now) {
  using Kind = wire::ConsoleEvent::Kind;
  wire::ConsoleEvent event = wire::read_console_line(line);
  if (event.kind == Kind::instance_begin) instance_console_.clear();
  if (outcome_.power_cut_for.empty()) instance_console_ += line + "\n";
  tail_.push_back(line);
  if (tail_.size() > kTailLines) tail_.pop_front();
  switch (event.kind) {
    case Kind::kernel_panic:
      if (outcome_.panic_line.empty()) outcome_.panic_line = line;
      break;
    case Kind::init_fatal: outcome_.init_fatal = line; break;
    case Kind::init_probe_ok: outcome_.probe_ok = true; break;
    case Kind::runner_exited:
      outcome_.runner_exit_status = event.exit_status;
      runner_exited_at_ = now;
      break;
    case Kind::power_cut:
      // A power_cut workload asked for a power failure: QEMU dies at once,
      // before the guest kernel can write back anything more.
      if (!outcome_.power_cut_for.empty()) break;
      if (cut_power_) cut_power_();
      outcome_.power_cut_for = event.name;
      outcome_.power_cut_after_s = seconds_at(now);
      outcome_.power_cut_console = instance_console_;
      break;
    case Kind::userspace_ready:
      if (outcome_.reached_userspace) break;
      outcome_.reached_userspace = true;
      outcome_.userspace_after_s = seconds_at(now);
      break;
    default: break;
  }
}

void SessionWatch::ktap_line(const std::string& line, Clock::time_point now) {
  reports::KtapEvent event = ktap_.feed_line(line);
  if (limits_.on_ktap_line) limits_.on_ktap_line(line, event);
  else if (limits_.forward_ktap) std::cout << line << std::endl;
  if (event.kind == reports::KtapEvent::Kind::plan) outcome_.planned = event.planned;
  wire::RunnerEvent runner = wire::read_runner_event(event);
  switch (runner.kind) {
    case wire::RunnerEvent::Kind::running: on_running(runner.name, event.text, now); break;
    case wire::RunnerEvent::Kind::stopping_boot: outcome_.boot_stopped = runner.reason; break;
    case wire::RunnerEvent::Kind::result: on_result(runner.name, reports::ktap_status(runner.result), now); break;
    case wire::RunnerEvent::Kind::other: break;
  }
}

void SessionWatch::on_running(const std::string& name, const std::string& text, Clock::time_point now) {
  outcome_.last_running = name;
  running_since_ = now;
  idle_since_.reset();
  auto budget = limits_.instance_budget.find(name);
  running_budget_ = budget != limits_.instance_budget.end() ? budget->second : limits_.silence;
  if (outcome_.first_instance_after_s < 0) outcome_.first_instance_after_s = seconds_at(now);
  if (limits_.on_started) limits_.on_started(name);
  else if (limits_.show_progress)
    std::cerr << "daxtorture vm: " << Progress::format_elapsed(seconds_at(now)) << " " << text << std::endl;
}

void SessionWatch::on_result(const std::string& described, Status status, Clock::time_point now) {
  // The result is the running instance's: its own name, which a repetition
  // keeps ("NAME#2") where KTAP's description has "NAME_2".
  const std::string name =
      reports::ktap_description(outcome_.last_running) == described ? outcome_.last_running : described;
  ++done_;
  outcome_.last_running.clear();
  running_since_.reset();
  idle_since_ = now;
  if (limits_.on_finished) limits_.on_finished(name, status);
  else if (limits_.show_progress)
    std::cerr << "daxtorture vm: " << Progress::format_elapsed(seconds_at(now)) << " " << status_name(status) << " "
              << name << " (" << done_ << "/" << outcome_.planned << " done)" << std::endl;
}

bool SessionWatch::poweroff_stuck(Clock::time_point now) {
  outcome_.poweroff_stuck = runner_exited_at_ && now - *runner_exited_at_ > kPoweroffGrace;
  return outcome_.poweroff_stuck;
}

bool SessionWatch::runner_stuck(Clock::time_point now) {
  auto idle_limit = outcome_.boot_stopped.empty() ? kRunnerIdleLimit : kPoweroffGrace;
  outcome_.runner_stuck = !runner_exited_at_ && idle_since_ && now - *idle_since_ > idle_limit;
  return outcome_.runner_stuck;
}

bool SessionWatch::instance_overdue(Clock::time_point now) {
  bool overdue = running_since_ && now - *running_since_ > running_budget_;
  if (overdue && !outcome_.instance_overdue) {
    outcome_.instance_overdue = true;
    outcome_.overdue_budget_s = running_budget_.count();
    if (limits_.show_progress)
      std::cerr << "daxtorture vm: " << limits_.label << Progress::format_elapsed(seconds_at(now)) << " "
                << outcome_.last_running << " has no result " << running_budget_.count()
                << " s after it started: hung; dumping its stacks (sysrq w, l), then a fresh guest" << std::endl;
  }
  return overdue;
}

void SessionWatch::finish(Clock::time_point now) {
  outcome_.seconds = seconds_at(now);
  for (const auto& line : tail_) outcome_.console_tail += line + "\n";
}

}  // namespace dt
