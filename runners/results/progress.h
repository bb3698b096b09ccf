// Progress of a long run on the terminal (stderr, so stdout stays KTAP):
// which instance, how many are left, how long it has been.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"

namespace dt {

class Progress {
 public:
  explicit Progress(size_t total);
  void started(size_t index, const std::string& name);
  void finished(size_t index, const InstanceResult& result);
  // Counts by status and the "N passed, N failed, N skipped" closing line.
  void summary(const RunResult& run) const;
  double elapsed_seconds() const;
  static std::string format_elapsed(double seconds);   // "1:02:03" / "2:03"

 private:
  size_t total_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace dt

namespace dt {

// The one progress line of a VM run whose guests run side by side: each
// start and result prints the run's elapsed time, what happened in which
// guest, how many instances are done and left, and what the other guests
// are running. Thread-safe.
class GuestsProgress {
 public:
  GuestsProgress(size_t total, int guests, bool quiet);
  void started(int guest, const std::string& name);
  void finished(int guest, const std::string& name, Status status);
  // The line for an event, e.g. "1:23 g1: PASS NAME (4/12 done, 8 left; g2: OTHER)";
  // without the guest names when there is one guest.
  std::string line(double elapsed_s, int guest, const std::string& event) const;
  // A verdict the host gave: the instance guest `guest` was running when
  // it died, or (guest -1) one that no guest ran.
  void judged(int guest, const std::string& name, Status status);

 private:
  void print(int guest, const std::string& event);

  size_t total_;
  size_t done_ = 0;
  bool quiet_;
  std::vector<std::string> running_;  // per guest, "" when idle
  std::chrono::steady_clock::time_point started_;
  mutable std::mutex mutex_;
};

}  // namespace dt
