#include "workloads/pin_matrix/layout_change.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <thread>

#include "workloads/lib/process_probe.h"

namespace dt::workloads {

namespace {
void ignore_signal(int) {}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}
}  // namespace

LayoutChangeOutcome run_layout_change(const std::function<int()>& change,
                                      const std::atomic<double>& released_at, double grace_s,
                                      int max_signals) {
  // No SA_RESTART: the signal must end the kernel's wait, not be absorbed.
  struct sigaction action {};
  action.sa_handler = ignore_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR1, &action, nullptr);

  LayoutChangeOutcome outcome;
  std::atomic<bool> done{false};
  std::atomic<int> signals{0};
  pthread_t changer = pthread_self();
  std::thread watcher([&] {
    double next_signal = 0;
    while (!done) {
      double released = released_at;
      double now = monotonic_seconds();
      if (released != 0 && now - released > grace_s && now >= next_signal &&
          signals < max_signals) {
        ++signals;
        pthread_kill(changer, SIGUSR1);
        next_signal = now + 1.0;
      }
      usleep(5000);
    }
  });

  outcome.started = monotonic_seconds();
  const double cpu_before = thread_cpu_seconds();
  for (;;) {
    outcome.result = change();
    outcome.error = outcome.result == -1 ? errno : 0;
    if (outcome.result == -1 && outcome.error == EINTR) {
      ++outcome.interrupted;
      continue;
    }
    break;
  }
  outcome.finished = monotonic_seconds();
  outcome.cpu_s = thread_cpu_seconds() - cpu_before;
  done = true;
  watcher.join();
  outcome.signals_sent = signals;
  return outcome;
}

}  // namespace dt::workloads
