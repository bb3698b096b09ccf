#include "runners/kernel/logged_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

#include "core/command.h"
#include "core/errors.h"

namespace dt {

namespace {
volatile sig_atomic_t running_child = 0;
}

int current_logged_child() { return running_child; }

int run_logged(const LoggedRun& run) {
  if (run.argv.empty()) throw std::logic_error("run_logged: empty argv");
  if (!program_available(run.argv[0]))
    throw SetupError("'" + run.argv[0] + "' is not installed");
  int log = open(run.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw SetupError("cannot write " + run.log_path + ": " + strerror(errno));
  auto started = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    close(log);
    throw SetupError(std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (!run.cwd.empty() && chdir(run.cwd.c_str()) != 0) {
      dprintf(STDERR_FILENO, "cannot enter %s: %s\n", run.cwd.c_str(), strerror(errno));
      _exit(127);
    }
    for (const auto& assignment : run.extra_env) putenv(const_cast<char*>(assignment.c_str()));
    std::vector<char*> args;
    for (const auto& arg : run.argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    dprintf(STDERR_FILENO, "cannot run %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
  close(log);
  running_child = pid;
  int status = 0;
  auto next_tick = started + std::chrono::seconds(run.tick_seconds);
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) running_child = 0;
    if (done < 0 && errno != EINTR) throw SetupError(std::string("waitpid: ") + strerror(errno));
    auto now = std::chrono::steady_clock::now();
    if (run.tick && now >= next_tick) {
      run.tick(std::chrono::duration<double>(now - started).count());
      next_tick = now + std::chrono::seconds(run.tick_seconds);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  running_child = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string file_tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string text;
  for (const auto& kept : last) text += kept + "\n";
  return text;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string whole_seconds(double seconds) {
  return std::to_string(static_cast<long>(std::lround(seconds)));
}

}  // namespace dt
