#include "runners/vm/guest_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>

#include "core/command.h"
#include "core/context.h"
#include "core/errors.h"
#include "runners/progress.h"

namespace dt {

namespace {
using Clock = std::chrono::steady_clock;
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

// Set by SIGINT/SIGTERM: QEMU runs in its own process group and would
// outlive the host runner, so the runner stops it and keeps what it has.
volatile sig_atomic_t g_stop_requested = 0;
void request_stop(int) { g_stop_requested = 1; }

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
  int console_fd = pipe_fds[0];
  fcntl(console_fd, F_SETFL, O_NONBLOCK);

  reports::KtapReader ktap;
  LineSplitter console_lines, ktap_lines;
  std::deque<std::string> tail;
  int ktap_fd = -1;
  auto last_output = Clock::now();
  auto seconds_since_start = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
  size_t done = 0;

  std::string instance_console;  // since the runner's last "begin" marker
  std::optional<Clock::time_point> running_since;  // of outcome.last_running
  std::chrono::seconds running_budget{0};
  std::optional<Clock::time_point> runner_exited_at;
  std::optional<Clock::time_point> idle_since;  // the last result, while no instance runs
  auto on_console_line = [&](const std::string& line) {
    console << line << "\n";
    if (line.find("daxtorture: begin ") != std::string::npos) instance_console.clear();
    if (outcome.power_cut_for.empty()) instance_console += line + "\n";
    tail.push_back(line);
    if (tail.size() > 400) tail.pop_front();
    if (line.find("Kernel panic - not syncing") != std::string::npos && outcome.panic_line.empty())
      outcome.panic_line = line;
    if (line.find("daxtorture-init: FATAL") != std::string::npos) outcome.init_fatal = line;
    if (line.find("daxtorture-init: probe ok") != std::string::npos) outcome.probe_ok = true;
    constexpr std::string_view kExited = "daxtorture-init: guest command exited with status ";
    if (auto at = line.find(kExited); at != std::string::npos) {
      outcome.runner_exit_status = std::atoi(line.c_str() + at + kExited.size());
      runner_exited_at = Clock::now();
    }
    // A power_cut workload asked for a power failure: kill QEMU at once,
    // before the guest kernel can write back anything more.
    if (auto at = line.find(kPowerCutRequest); at != std::string::npos && outcome.power_cut_for.empty()) {
      kill(qemu, SIGKILL);
      outcome.power_cut_for = line.substr(at + std::string_view(kPowerCutRequest).size());
      outcome.power_cut_after_s = seconds_since_start();
      outcome.power_cut_console = instance_console;
    }
    if (line.find("daxtorture-init: userspace ready") != std::string::npos && !outcome.reached_userspace) {
      outcome.reached_userspace = true;
      outcome.userspace_after_s = seconds_since_start();
    }
  };
  auto on_ktap_line = [&](const std::string& line) {
    auto event = ktap.feed_line(line);
    if (limits.on_ktap_line) limits.on_ktap_line(line, event);
    else if (limits.forward_ktap) std::cout << line << std::endl;
    if (event.kind == reports::KtapEvent::Kind::plan) outcome.planned = event.planned;
    if (event.kind == reports::KtapEvent::Kind::diagnostic &&
        event.text.find("] running ") != std::string::npos) {
      outcome.last_running = event.text.substr(event.text.find("] running ") + 10);
      running_since = Clock::now();
      idle_since.reset();
      auto budget = limits.instance_budget.find(outcome.last_running);
      running_budget = budget != limits.instance_budget.end() ? budget->second : limits.silence;
      if (outcome.first_instance_after_s < 0) outcome.first_instance_after_s = seconds_since_start();
      if (limits.on_started) limits.on_started(outcome.last_running);
      else if (limits.show_progress)
        std::cerr << "daxtorture vm: " << Progress::format_elapsed(seconds_since_start()) << " "
                  << event.text << std::endl;
    }
    constexpr std::string_view kStopping = "stopping this boot: ";
    if (event.kind == reports::KtapEvent::Kind::diagnostic && event.text.rfind(kStopping, 0) == 0)
      outcome.boot_stopped = event.text.substr(kStopping.size());
    if (event.kind == reports::KtapEvent::Kind::result && event.depth == 0) {
      ++done;
      outcome.last_running.clear();
      running_since.reset();
      idle_since = Clock::now();
      if (limits.on_finished) limits.on_finished(event.result.name, reports::ktap_status(event.result));
      else if (limits.show_progress)
        std::cerr << "daxtorture vm: " << Progress::format_elapsed(seconds_since_start()) << " "
                  << status_name(reports::ktap_status(event.result)) << " " << event.result.name
                  << " (" << done << "/" << outcome.planned << " done)" << std::endl;
    }
  };

  int status = 0;
  bool exited = false;
  char buffer[16384];
  while (!exited) {
    pollfd watched{console_fd, POLLIN, 0};
    poll(&watched, 1, 200);
    ssize_t n;
    while ((n = read(console_fd, buffer, sizeof buffer)) > 0) {
      console_lines.feed(buffer, static_cast<size_t>(n), on_console_line);
      last_output = Clock::now();
    }
    console.flush();
    if (ktap_fd < 0) ktap_fd = open(launch.ktap_file.c_str(), O_RDONLY | O_CLOEXEC);
    if (ktap_fd >= 0)
      while ((n = read(ktap_fd, buffer, sizeof buffer)) > 0) {
        ktap_lines.feed(buffer, static_cast<size_t>(n), on_ktap_line);
        last_output = Clock::now();
      }
    if (waitpid(qemu, &status, WNOHANG) == qemu) {
      exited = true;
      break;
    }
    auto now = Clock::now();
    // Every result is on the host once the runner exited; init only syncs
    // and powers off. A sync stuck on a filesystem whose device an instance
    // tore down never returns, while the kernel keeps logging (xfsaild
    // retrying writes), so the guest is neither silent nor done.
    // Likewise a runner stuck between results or on its way out.
    auto idle_limit = outcome.boot_stopped.empty() ? kRunnerIdleLimit : kPoweroffGrace;
    outcome.poweroff_stuck = runner_exited_at && now - *runner_exited_at > kPoweroffGrace;
    outcome.runner_stuck = !runner_exited_at && idle_since && now - *idle_since > idle_limit;
    if (outcome.poweroff_stuck || outcome.runner_stuck) {
      kill(qemu, SIGKILL);
      waitpid(qemu, &status, 0);
      exited = true;
      break;
    }
    bool over_deadline = now - started > limits.deadline;
    bool silent = now - last_output > limits.silence;
    bool overdue = running_since && now - *running_since > running_budget;
    if (overdue && !outcome.instance_overdue) {
      outcome.instance_overdue = true;
      outcome.overdue_budget_s = running_budget.count();
      if (limits.show_progress)
        std::cerr << "daxtorture vm: " << limits.label << Progress::format_elapsed(seconds_since_start()) << " "
                  << outcome.last_running << " has no result " << running_budget.count()
                  << " s after it started: hung; dumping its stacks (sysrq w, l), then a fresh guest"
                  << std::endl;
    }
    silent = silent || overdue;
    if ((over_deadline || silent) && !g_stop_requested && !outcome.task_dump_requested) {
      // Evidence before the kill: the blocked tasks' stacks (w) and what
      // every CPU is running (l), printed by the guest kernel on the
      // console; console loglevel 8 first, or the KERN_INFO task lines of
      // the dump stay off the console. A few seconds to print, then the
      // kill below.
      send_sysrq(launch.monitor_socket, '8');
      outcome.task_dump_requested = send_sysrq(launch.monitor_socket, 'w');
      send_sysrq(launch.monitor_socket, 'l');
      if (outcome.task_dump_requested) {
        auto dump_until = Clock::now() + std::chrono::seconds(8);
        while (Clock::now() < dump_until) {
          pollfd watched{console_fd, POLLIN, 0};
          poll(&watched, 1, 200);
          while ((n = read(console_fd, buffer, sizeof buffer)) > 0)
            console_lines.feed(buffer, static_cast<size_t>(n), on_console_line);
          if (waitpid(qemu, &status, WNOHANG) == qemu) {
            exited = true;  // it died meanwhile: nothing left to kill
            break;
          }
        }
      }
      if (exited) {
        outcome.deadline_hit = over_deadline;
        outcome.silent_too_long = silent;
        break;
      }
    }
    if (over_deadline || silent || g_stop_requested) {
      outcome.deadline_hit = over_deadline;
      outcome.silent_too_long = silent;
      outcome.interrupted = g_stop_requested;
      kill(qemu, SIGTERM);
      for (int i = 0; i < 50 && waitpid(qemu, &status, WNOHANG) != qemu; ++i) usleep(100 * 1000);
      kill(qemu, SIGKILL);
      waitpid(qemu, &status, 0);
      exited = true;
    }
  }
  // What was in flight when QEMU went away.
  ssize_t n;
  while ((n = read(console_fd, buffer, sizeof buffer)) > 0)
    console_lines.feed(buffer, static_cast<size_t>(n), on_console_line);
  if (ktap_fd < 0) ktap_fd = open(launch.ktap_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (ktap_fd >= 0) {
    while ((n = read(ktap_fd, buffer, sizeof buffer)) > 0)
      ktap_lines.feed(buffer, static_cast<size_t>(n), on_ktap_line);
    close(ktap_fd);
  }
  close(console_fd);
  for (const auto& event : ktap.finish()) (void)event;

  outcome.results = ktap.results();
  outcome.seconds = seconds_since_start();
  if (WIFEXITED(status)) outcome.qemu_exit_status = WEXITSTATUS(status);
  bool killed_by_us = outcome.deadline_hit || outcome.silent_too_long || outcome.interrupted ||
                      !outcome.power_cut_for.empty() || outcome.poweroff_stuck ||
                      outcome.runner_stuck;
  if (WIFSIGNALED(status) && !killed_by_us) outcome.qemu_killed_by = WTERMSIG(status);
  for (const auto& line : tail) outcome.console_tail += line + "\n";
  return outcome;
}

}  // namespace dt
