// Progress of a long run on the terminal (stderr, so stdout stays KTAP):
// which instance, how many are left, how long it has been.
#pragma once

#include <chrono>
#include <string>

#include "core/result.h"

namespace dt {

class Progress {
 public:
  explicit Progress(size_t total);
  // "[3/12] running NAME" – also sent as a KTAP diagnostic, so the VM host
  // can follow the guest.
  std::string running_line(size_t index, const std::string& name) const;
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
