#include "core/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include "core/errors.h"

namespace dt {

namespace {
std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

std::string tail_of(const std::string& text, size_t max_chars) {
  if (text.size() <= max_chars) return text;
  return "..." + text.substr(text.size() - max_chars);
}
}  // namespace

bool program_available(const std::string& program) { return !find_program(program).empty(); }

std::string program_path(const std::string& program) { return find_program(program); }

std::string package_for_program(const std::string& program) {
  static const std::map<std::string, std::string> packages = {
      {"mkfs.xfs", "xfsprogs"},     {"xfs_io", "xfsprogs"},
      {"mkfs.ext4", "e2fsprogs"},   {"dmsetup", "dmsetup"},
      {"modprobe", "kmod"},         {"depmod", "kmod"},
      {"qemu-system-x86_64", "qemu-system-x86"},
      {"busybox", "busybox-static"}, {"cpio", "cpio"},
      {"ndctl", "ndctl"},           {"daxctl", "daxctl"},
      {"mount", "mount"},           {"umount", "mount"},
  };
  auto it = packages.find(program);
  return it == packages.end() ? "" : it->second;
}

std::string join_command(const std::vector<std::string>& argv) {
  std::string joined;
  for (const auto& arg : argv) {
    if (!joined.empty()) joined += ' ';
    joined += arg;
  }
  return joined;
}

CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::seconds timeout,
                          const std::vector<std::string>& extra_env) {
  if (argv.empty()) throw std::logic_error("run_command: empty argv");
  if (find_program(argv[0]).empty()) {
    std::string package = package_for_program(argv[0]);
    throw SetupError("'" + argv[0] + "' is not installed" +
                     (package.empty() ? "" : "; fix: apt-get install " + package));
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw SetupError("pipe: " + std::string(strerror(errno)));

  pid_t pid = fork();
  if (pid < 0) throw SetupError("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    for (const auto& assignment : extra_env) putenv(const_cast<char*>(assignment.c_str()));
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    // Found a moment ago, gone or unusable now (a package upgrade replacing
    // it, a missing interpreter): the parent must be able to say why.
    std::string why = "cannot execute " + argv[0] + ": " + strerror(errno) + "\n";
    (void)!write(STDERR_FILENO, why.data(), why.size());
    _exit(127);
  }
  close(pipe_fds[1]);

  CommandResult result;
  result.timeout = timeout;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd waiting{pipe_fds[0], POLLIN, 0};
    int ready = poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.killed_by = WTERMSIG(status);
  return result;
}

std::string describe_failure(const CommandResult& result) {
  std::string how;
  if (result.timed_out) how = "timed out after " + std::to_string(result.timeout.count()) + " s";
  else if (result.killed_by != 0) how = std::string("killed by SIG") + sigabbrev_np(result.killed_by);
  else how = "exit status " + std::to_string(result.exit_status);
  std::string output = result.output;
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return how + ": " + (output.empty() ? "(no output)" : tail_of(output, 600));
}

std::string run_checked(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                        const std::vector<std::string>& extra_env) {
  CommandResult result = run_command(argv, timeout, extra_env);
  if (result.timed_out || result.exit_status != 0)
    throw SetupError("'" + join_command(argv) + "' failed: " + describe_failure(result));
  return result.output;
}

}  // namespace dt
