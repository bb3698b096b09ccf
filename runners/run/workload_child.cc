#include "runners/run/workload_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "core/check.h"
#include "core/errors.h"
#include "runners/run/process_group.h"

namespace dt {

namespace {
using Clock = std::chrono::steady_clock;

[[noreturn]] void child_main(const Instance& instance, const InstanceEnvironment& env,
                             int report_fd) {
  setpgid(0, 0);
  // If the runner dies, the instance must not run on unsupervised.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The runner may have made itself unkillable by the OOM killer; a
  // workload must stay an ordinary candidate.
  int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (oom >= 0) {
    ssize_t written = write(oom, "0", 1);
    (void)written;  // best effort: without /proc the score is inherited
    close(oom);
  }
  std::string output = env.artifacts_dir + "/output.txt";
  int out = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, STDIN_FILENO);
  if (!env.test_dir.empty() && chdir(env.test_dir.c_str()) != 0) {
    // The body uses absolute paths; a failed chdir only changes the cwd.
  }
  reporter_attach(report_fd);
  try {
    Context context(instance, env);
    instance.workload->body(context);
  } catch (const WorkloadStop&) {
    // Already reported.
  } catch (const SkipRequest& skip) {
    report_skip(skip.what());
  } catch (const SetupError& error) {
    report_broken(error.what());
  } catch (const std::exception& error) {
    report_broken(std::string("uncaught exception: ") + error.what());
  }
  std::cout.flush();
  std::cerr.flush();
  _exit(0);
}

void read_available(int fd, std::string& pending, ChildReport& report, bool& eof) {
  char buffer[8192];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      pending.append(buffer, static_cast<size_t>(n));
      size_t newline;
      while ((newline = pending.find('\n')) != std::string::npos) {
        fold_report_line(pending.substr(0, newline), report);
        pending.erase(0, newline + 1);
      }
      continue;
    }
    if (n == 0) eof = true;
    if (n < 0 && errno == EINTR) continue;
    return;  // EAGAIN or EOF
  }
}
}  // namespace

ChildOutcome run_workload_child(const Instance& instance, const InstanceEnvironment& env,
                                std::chrono::milliseconds timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw SetupError(std::string("pipe: ") + strerror(errno));
  std::cout.flush();
  std::cerr.flush();
  auto started = Clock::now();
  pid_t pid = fork();
  if (pid < 0) throw SetupError(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    // The channel must survive exec-free forks inside the workload but not
    // leak into programs the workload executes.
    child_main(instance, env, fds[1]);
  }
  setpgid(pid, pid);  // also done by the child; whichever runs first wins
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));

  ChildOutcome outcome;
  std::string pending;
  bool eof = false, exited = false;
  int status = 0;
  auto deadline = started + timeout;
  while (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      outcome.timed_out = true;
      break;
    }
    pollfd watched[2] = {{fds[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
    int count = pidfd >= 0 ? 2 : 1;
    if (eof) watched[0].fd = -1;
    int wait_ms = pidfd >= 0 ? static_cast<int>(std::min<long>(left.count(), 1000)) : 100;
    if (poll(watched, count, wait_ms) < 0 && errno != EINTR) break;
    read_available(fds[0], pending, outcome.report, eof);
    if (waitpid(pid, &status, WNOHANG) == pid) exited = true;
  }

  if (outcome.timed_out) {
    // Evidence first: where each task of the instance sits in the kernel.
    outcome.stacks = describe_tasks(processes_in_group(pid));
  }
  outcome.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  // Children the workload forked may outlive it; none may reach the next
  // instance.
  kill_group(pid);
  if (!exited) {
    auto reap_deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < reap_deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      usleep(50 * 1000);
    }
    if (!exited) {
      outcome.unreapable = true;
      outcome.stacks += "\nafter SIGKILL, still present:\n" + describe_tasks(processes_in_group(pid));
    }
  }
  if (exited) outcome.escaped = kill_and_reap_children();
  // Whatever the group wrote before dying; do not wait for an EOF that a
  // stuck grandchild could hold back forever.
  read_available(fds[0], pending, outcome.report, eof);
  if (!pending.empty()) fold_report_line(pending, outcome.report);
  close(fds[0]);
  if (pidfd >= 0) close(pidfd);

  if (exited) {
    if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

}  // namespace dt
