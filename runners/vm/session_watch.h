// What the host learns from one boot's two channels while the guest runs:
// the console (kept whole in console.log by the session) and the runner's
// KTAP stream, read through the wire (runners/wire/guest_wire.h) into the
// session's outcome, with the times the hang rules need. Fed line by line
// and asked at a given time, so it is tested without QEMU.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "runners/vm/guest_session.h"

namespace dt {

class SessionWatch {
 public:
  using Clock = std::chrono::steady_clock;
  // `cut_power` is called the moment a workload asks for a power cut.
  SessionWatch(GuestSessionOutcome& outcome, const GuestSessionLimits& limits, Clock::time_point started,
               std::function<void()> cut_power);

  void console_line(const std::string& line, Clock::time_point now = Clock::now());
  void ktap_line(const std::string& line, Clock::time_point now = Clock::now());
  // The end of the KTAP stream: its results into the outcome, with the
  // console's tail and the session's length.
  void finish(Clock::time_point now = Clock::now());

  // The hang rules at `now`; each sets its flag in the outcome.
  // The runner exited and init has not powered off within its grace.
  bool poweroff_stuck(Clock::time_point now);
  // No next instance and no exit long after the last result.
  bool runner_stuck(Clock::time_point now);
  // The running instance has no result within its budget (reported once
  // in the outcome, true from then on).
  bool instance_overdue(Clock::time_point now);

  double seconds_at(Clock::time_point now) const;

 private:
  void on_running(const std::string& name, const std::string& text, Clock::time_point now);
  // `described`: the instance as the KTAP result line names it.
  void on_result(const std::string& described, Status status, Clock::time_point now);

  GuestSessionOutcome& outcome_;
  const GuestSessionLimits& limits_;
  Clock::time_point started_;
  std::function<void()> cut_power_;
  reports::KtapReader ktap_;
  std::deque<std::string> tail_;
  std::string instance_console_;  // since the runner's last "begin" marker
  size_t done_ = 0;
  std::optional<Clock::time_point> running_since_;  // of outcome.last_running
  std::chrono::seconds running_budget_{0};
  std::optional<Clock::time_point> runner_exited_at_;
  std::optional<Clock::time_point> idle_since_;  // the last result, while no instance runs
};

}  // namespace dt
