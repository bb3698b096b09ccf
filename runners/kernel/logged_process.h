// Long child processes whose output goes to a log file rather than memory:
// a kernel build prints megabytes, and a failed one is reported by the end
// of its log.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace dt {

struct LoggedRun {
  std::vector<std::string> argv;
  std::string cwd;                      // "" = this process's
  std::vector<std::string> extra_env;   // "NAME=value"
  std::string log_path;                 // stdout and stderr are appended here
  // Called every tick_seconds while the child runs, with the elapsed seconds.
  std::function<void(double)> tick;
  int tick_seconds = 30;
};

// Runs it to the end; the exit status, or 128+N when killed by signal N.
// Throws SetupError when the program cannot be started.
int run_logged(const LoggedRun& run);

// The child run_logged is waiting for (0 when none), so that a signal
// handler can pass SIGTERM on to it.
int current_logged_child();

// The last `lines` lines of a file ("" when unreadable).
std::string file_tail(const std::string& path, size_t lines);

// Seconds with no fraction, for tables and progress lines.
std::string whole_seconds(double seconds);
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace dt
