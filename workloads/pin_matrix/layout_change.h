// Runs a layout change (truncate, hole punch, ...) that may have to wait for
// pinned DAX pages, and tells a missed wake-up from a real wait: if the
// change is still asleep some time after the pin was released, its thread is
// sent a harmless signal. A change that then completes was only waiting for
// a wake-up that never came (the page was idle again); one that goes back to
// sleep is waiting for a reference that was never dropped.
#pragma once

#include <atomic>
#include <functional>

namespace dt::workloads {

struct LayoutChangeOutcome {
  int result = 0;             // the call's last return value
  int error = 0;              // errno when result is -1
  double started = 0;         // monotonic seconds
  double finished = 0;
  int signals_sent = 0;       // wake-up signals needed before it returned
  int interrupted = 0;        // times the call returned EINTR and was retried
  double cpu_s = 0;           // CPU time the changing thread used, in seconds:
                              // near 0 for a wait that sleeps, near the wait's
                              // length for one that spins
};

// `change` is called (again after EINTR) until it returns something else.
// `released_at` is the monotonic time the pin dropped, 0 while it is live.
LayoutChangeOutcome run_layout_change(const std::function<int()>& change,
                                      const std::atomic<double>& released_at,
                                      double grace_s = 3.0, int max_signals = 5);

}  // namespace dt::workloads
