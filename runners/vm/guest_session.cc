#include "runners/vm/guest_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <iostream>

#include "core/command.h"
#include "core/context.h"
#include "core/errors.h"
#include "runners/results/progress.h"
#include "runners/vm/session_watch.h"

namespace dt {

namespace {
using Clock = std::chrono::steady_clock;
// Set by SIGINT/SIGTERM: QEMU runs in its own process group and would
// outlive the host runner, so the runner stops it and keeps what it has.
// An atomic, not a volatile sig_atomic_t: every guest of a pool polls it
// from its own thread, and a volatile is only safe for the thread the
// handler interrupted (ThreadSanitizer reported the race).
std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "a signal handler may only touch a lock-free atomic");
void request_stop(int) { g_stop_requested = true; }

pid_t spawn_qemu(const std::vector<std::string>& argv, int console_fd) {
  pid_t pid = fork();
  if (pid < 0) throw SetupError(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);  // Ctrl-C reaches the host runner, which stops QEMU itself
    dup2(console_fd, STDOUT_FILENO);
    dup2(console_fd, STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Presses Alt+SysRq+KEY on the guest's keyboard through QEMU's monitor: the
// guest kernel prints to the console even when its userspace is stuck.
bool send_sysrq(const std::string& monitor_socket, char key) {
  if (monitor_socket.empty()) return false;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  snprintf(address.sun_path, sizeof address.sun_path, "%s", monitor_socket.c_str());
  bool sent = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::string command = std::string("sendkey alt-sysrq-") + key + "\n";
    sent = write(fd, command.data(), command.size()) == static_cast<ssize_t>(command.size());
    usleep(200 * 1000);  // let the monitor read it before the socket closes
  }
  close(fd);
  return sent;
}

// Splits a growing byte stream into complete lines.
class LineSplitter {
 public:
  template <typename Handler>
  void feed(const char* data, size_t size, Handler&& handle) {
    partial_.append(data, size);
    size_t newline;
    while ((newline = partial_.find('\n')) != std::string::npos) {
      std::string line = partial_.substr(0, newline);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      partial_.erase(0, newline + 1);
      handle(line);
    }
  }

 private:
  std::string partial_;
};
}  // namespace

namespace {
// Reads what is there on the guest's two channels into the watch.
struct Channels {
  int console_fd = -1;
  int ktap_fd = -1;
  std::string ktap_file;
  std::ofstream& console_log;
  SessionWatch& watch;
  LineSplitter console_lines, ktap_lines;

  // True when anything arrived.
  bool read_console() {
    char buffer[16384];
    bool any = false;
    ssize_t n;
    while ((n = read(console_fd, buffer, sizeof buffer)) > 0) {
      console_lines.feed(buffer, static_cast<size_t>(n), [&](const std::string& line) {
        console_log << line << "\n";
        watch.console_line(line);
      });
      any = true;
    }
    console_log.flush();
    return any;
  }
  bool read_ktap() {
    if (ktap_fd < 0) ktap_fd = open(ktap_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (ktap_fd < 0) return false;
    char buffer[16384];
    bool any = false;
    ssize_t n;
    while ((n = read(ktap_fd, buffer, sizeof buffer)) > 0) {
      ktap_lines.feed(buffer, static_cast<size_t>(n), [&](const std::string& line) { watch.ktap_line(line); });
      any = true;
    }
    return any;
  }
};

// Evidence before the kill: the blocked tasks' stacks (w) and what every
// CPU is running (l), printed by the guest kernel on the console; console
// loglevel 8 first, or the KERN_INFO task lines of the dump stay off the
// console. A few seconds to print. True when QEMU died meanwhile.
bool dump_stacks(const QemuLaunch& launch, pid_t qemu, int& status, Channels& channels, GuestSessionOutcome& outcome) {
  send_sysrq(launch.monitor_socket, '8');
  outcome.task_dump_requested = send_sysrq(launch.monitor_socket, 'w');
  send_sysrq(launch.monitor_socket, 'l');
  if (!outcome.task_dump_requested) return false;
  auto dump_until = Clock::now() + std::chrono::seconds(8);
  while (Clock::now() < dump_until) {
    pollfd watched{channels.console_fd, POLLIN, 0};
    poll(&watched, 1, 200);
    channels.read_console();
    if (waitpid(qemu, &status, WNOHANG) == qemu) return true;
  }
  return false;
}

void stop_qemu(pid_t qemu, int& status) {
  kill(qemu, SIGTERM);
  for (int i = 0; i < 50 && waitpid(qemu, &status, WNOHANG) != qemu; ++i) usleep(100 * 1000);
  kill(qemu, SIGKILL);
  waitpid(qemu, &status, 0);
}

// Follows the guest until QEMU exits or a rule stops it; QEMU's wait status.
int watch_guest(const QemuLaunch& launch, const GuestSessionLimits& limits, pid_t qemu, Clock::time_point started,
                Channels& channels, SessionWatch& watch, GuestSessionOutcome& outcome) {
  int status = 0;
  auto last_output = Clock::now();
  for (;;) {
    pollfd watched{channels.console_fd, POLLIN, 0};
    poll(&watched, 1, 200);
    if (channels.read_console()) last_output = Clock::now();
    if (channels.read_ktap()) last_output = Clock::now();
    if (waitpid(qemu, &status, WNOHANG) == qemu) return status;
    auto now = Clock::now();
    // Every result is on the host once the runner exited; init only syncs
    // and powers off. A sync stuck on a filesystem whose device an instance
    // tore down never returns, while the kernel keeps logging (xfsaild
    // retrying writes), so the guest is neither silent nor done.
    // Likewise a runner stuck between results or on its way out.
    bool poweroff_stuck = watch.poweroff_stuck(now);
    if (watch.runner_stuck(now) || poweroff_stuck) {
      kill(qemu, SIGKILL);
      waitpid(qemu, &status, 0);
      return status;
    }
    bool over_deadline = now - started > limits.deadline;
    bool silent = now - last_output > limits.silence || watch.instance_overdue(now);
    if ((over_deadline || silent) && !g_stop_requested && !outcome.task_dump_requested &&
        dump_stacks(launch, qemu, status, channels, outcome)) {
      outcome.deadline_hit = over_deadline;
      outcome.silent_too_long = silent;
      return status;  // it died meanwhile: nothing left to kill
    }
    if (over_deadline || silent || g_stop_requested) {
      outcome.deadline_hit = over_deadline;
      outcome.silent_too_long = silent;
      outcome.interrupted = g_stop_requested;
      stop_qemu(qemu, status);
      return status;
    }
  }
}
}  // namespace

GuestSessionOutcome run_guest_session(const QemuLaunch& launch, const std::string& console_log,
                                      const GuestSessionLimits& limits) {
  GuestSessionOutcome outcome;
  std::vector<std::string> argv = qemu_argv(launch);
  if (!program_available(argv[0]))
    throw UsageError("QEMU (" + argv[0] + ") is not installed; fix: apt-get install qemu-system-x86");
  std::ofstream console(console_log, std::ios::app);
  console << "# " << join_command(argv) << "\n";
  console.flush();

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw SetupError(std::string("pipe: ") + strerror(errno));
  struct sigaction stop {};
  stop.sa_handler = request_stop;
  sigemptyset(&stop.sa_mask);
  sigaction(SIGINT, &stop, nullptr);
  sigaction(SIGTERM, &stop, nullptr);
  auto started = Clock::now();
  pid_t qemu = spawn_qemu(argv, pipe_fds[1]);
  close(pipe_fds[1]);
  fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);

  SessionWatch watch(outcome, limits, started, [qemu] { kill(qemu, SIGKILL); });
  Channels channels{pipe_fds[0], -1, launch.ktap_file, console, watch, {}, {}};
  int status = watch_guest(launch, limits, qemu, started, channels, watch, outcome);
  // What was in flight when QEMU went away.
  channels.read_console();
  channels.read_ktap();
  if (channels.ktap_fd >= 0) close(channels.ktap_fd);
  close(channels.console_fd);
  watch.finish(Clock::now());

  if (WIFEXITED(status)) outcome.qemu_exit_status = WEXITSTATUS(status);
  bool killed_by_us = outcome.deadline_hit || outcome.silent_too_long || outcome.interrupted ||
                      !outcome.power_cut_for.empty() || outcome.poweroff_stuck ||
                      outcome.runner_stuck;
  if (WIFSIGNALED(status) && !killed_by_us) outcome.qemu_killed_by = WTERMSIG(status);
  return outcome;
}

}  // namespace dt
