#include "runners/lava/guest_reporter.h"

#include <poll.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "core/command.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "runners/results/guest_record.h"
#include "reports/ktap.h"
#include "runners/wire/lava_console.h"
#include "runners/results/results_store.h"
#include "runners/wire/guest_wire.h"
#include "runners/plan/budget.h"
#include "runners/plan/shard.h"

namespace fs = std::filesystem;

namespace dt::lava {

namespace {
struct GuestOptions {
  std::string token;
  std::string run_id = "lava";
  std::string run_dir = "/root/daxtorture-run";
  std::string timeout_scale = "1";
  std::string machine = "lava-qemu";
  std::string kernel_config;
  std::vector<std::string> patterns;
  std::optional<Shard> shard;
};

GuestOptions parse_guest_options(Args& args) {
  GuestOptions options;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture lava guest' takes options only");
    if (*option == "--token") options.token = args.value(*option);
    else if (*option == "--run-id") options.run_id = args.value(*option);
    else if (*option == "--run-dir") options.run_dir = args.value(*option);
    else if (*option == "--timeout-scale") options.timeout_scale = args.value(*option);
    else if (*option == "--machine") options.machine = args.value(*option);
    else if (*option == "--kernel-config") options.kernel_config = args.value(*option);
    else if (*option == "-t" || *option == "--test") options.patterns.push_back(args.value(*option));
    else if (*option == "--shard") options.shard = parse_shard(args.value(*option));
    else unknown_option("lava guest", *option);
  }
  if (options.token.empty())
    throw UsageError("'daxtorture lava guest' needs --token (the daxtorture.vm= word of the job's "
                     "kernel command line); it runs inside a job that 'daxtorture lava' wrote");
  return options;
}

void say(const std::string& line) { std::cout << line << std::endl; }

// sysrq 8 first: the task lines are KERN_INFO and the console shows only
// alerts under LAVA (guest-init.sh); then the blocked tasks (w) and every
// CPU (l), and time for the kernel to print them.
void dump_blocked_tasks() {
  for (const char* key : {"8", "w", "l"}) {
    try {
      write_text_file("/proc/sysrq-trigger", key);
    } catch (const std::exception&) {
    }
  }
  sleep(5);
}

void print_file(const std::string& run_dir, const std::string& relative) {
  auto bytes = read_text_file(run_dir + "/" + relative);
  if (!bytes) {
    say(missing_line(relative));
    return;
  }
  for (const auto& line : file_lines(relative, *bytes)) std::cout << line << "\n";
  std::cout.flush();
}

// Every file of the instance's folder, instance.json last: the collector
// takes an instance as finished once its instance.json arrived whole.
void print_instance_folder(const std::string& run_dir, const std::string& folder) {
  std::error_code error;
  std::vector<std::string> files;
  for (const auto& item : fs::directory_iterator(run_dir + "/" + folder, error))
    if (item.is_regular_file() && item.path().filename() != "instance.json")
      files.push_back(folder + "/" + item.path().filename().string());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) print_file(run_dir, file);
  print_file(run_dir, folder + "/instance.json");
}

std::string lava_result(Status status) {
  if (status == Status::pass) return "pass";
  if (status == Status::skip) return "skip";
  return "fail";
}

void report_case(const std::string& run_dir, const std::string& name) {
  const std::string folder = instance_folder(name);
  print_instance_folder(run_dir, folder);
  std::string result = "fail", duration = "0";
  std::string problem;
  if (auto instance = read_instance_record(run_dir, name, problem)) {
    result = lava_result(instance->status);
    char seconds[32];
    snprintf(seconds, sizeof seconds, "%.2f", instance->duration_s);
    duration = seconds;
  } else if (!problem.empty()) {
    say(note_line("unreadable " + problem));
  }
  // lava-test-case records the result in the overlay and prints the
  // signal LAVA reads from the console; its output is captured here, so it
  // is printed after it, whole.
  CommandResult told = run_command({"lava-test-case", case_name(name), "--result", result,
                                    "--measurement", duration, "--units", "seconds"});
  std::cout << told.output << std::flush;
  if (told.exit_status != 0) say(note_line("lava-test-case " + case_name(name) + " failed: " + describe_failure(told)));
}

std::vector<std::string> run_argv(const GuestOptions& options, const std::vector<Instance>& instances) {
  std::vector<std::string> argv = {fs::read_symlink("/proc/self/exe").string(), "run",
                                   "--vm-guest", options.token,
                                   "--run-dir", options.run_dir,
                                   "--run-id", options.run_id,
                                   "--machine", options.machine,
                                   "--timeout-scale", options.timeout_scale};
  if (!options.kernel_config.empty()) {
    argv.push_back("--kernel-config");
    argv.push_back(options.kernel_config);
  }
  for (const auto& instance : instances) {
    argv.push_back("-t");
    argv.push_back(instance.name());
  }
  return argv;
}
struct Runner {
  pid_t pid = -1;
  int output = -1;  // its stdout and stderr
};

// 'daxtorture run' with its progress (stderr) through the same pipe as its
// KTAP: every line reaches the console whole, never inside a file line.
Runner spawn_runner(std::vector<std::string> argv) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw SetupError(std::string("pipe: ") + strerror(errno));
  pid_t child = fork();
  if (child < 0) throw SetupError(std::string("fork: ") + strerror(errno));
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> words;
    for (auto& word : argv) words.push_back(word.data());
    words.push_back(nullptr);
    execv(words[0], words.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  return {child, pipe_fds[0]};
}

// Copies the runner's lines to the console; after each result, that
// instance's files and its LAVA test case. Returns true when an instance
// overran its budget: its stacks are dumped, its case failed, the runner
// killed.
bool relay_runner(const Runner& runner, const std::map<std::string, double>& budget_s, const std::string& run_dir,
                  std::set<std::string>& reported) {
  reports::KtapReader ktap;
  std::string running, partial;
  auto running_since = std::chrono::steady_clock::now();
  char buffer[4096];
  for (;;) {
    pollfd watched{runner.output, POLLIN, 0};
    int ready = poll(&watched, 1, 1000);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      ssize_t n = read(runner.output, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      partial.append(buffer, static_cast<size_t>(n));
      size_t newline;
      while ((newline = partial.find('\n')) != std::string::npos) {
        std::string line = partial.substr(0, newline);
        partial.erase(0, newline + 1);
        std::cout << line << std::endl;
        wire::RunnerEvent event = wire::read_runner_event(ktap.feed_line(line));
        if (event.kind == wire::RunnerEvent::Kind::running) {
          running = event.name;
          running_since = std::chrono::steady_clock::now();
        } else if (event.kind == wire::RunnerEvent::Kind::result) {
          running.clear();
          report_case(run_dir, event.name);
          reported.insert(event.name);
        }
      }
    }
    auto budget = budget_s.find(running);
    if (budget != budget_s.end() &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - running_since).count() > budget->second) {
      dump_blocked_tasks();
      say(hung_line(running, static_cast<long>(budget->second)));
      std::cout << run_command({"lava-test-case", case_name(running), "--result", "fail"}).output << std::flush;
      reported.insert(running);
      kill(runner.pid, SIGKILL);
      return true;
    }
  }
  if (!partial.empty()) std::cout << partial << std::endl;
  return false;
}
}  // namespace

int guest_main(Args& args) {
  GuestOptions options = parse_guest_options(args);
  std::vector<Instance> instances = select_instances(options.patterns);
  if (options.shard) instances = shard_instances(instances, *options.shard);
  if (instances.empty()) throw UsageError("the job selects no instance; fix: regenerate it with 'daxtorture lava'");
  if (!program_available("lava-test-case"))
    throw UsageError("lava-test-case is not in PATH: 'daxtorture lava guest' runs inside a LAVA test "
                     "shell; elsewhere use 'daxtorture run'");
  utsname names{};
  uname(&names);
  std::string shard = options.shard ? std::to_string(options.shard->index) + "/" +
                                          std::to_string(options.shard->count)
                                    : "1/1";
  say(plan_line(shard, selection_key(options.patterns), options.run_id, names.release));
  for (const auto& instance : instances) say(planned_line(instance.name()));

  Runner runner = spawn_runner(run_argv(options, instances));
  // Hang detection by progress, as 'daxtorture vm' does from the host: an
  // instance with no result by its scaled timeout + 60 s is hung (its
  // runner stopped, or stuck in the kernel). Under LAVA nothing else would
  // notice before the job's timeout, the sum of all instances' budgets.
  std::map<std::string, double> budget_s;
  double scale = std::atof(options.timeout_scale.c_str());
  for (const auto& instance : instances)
    budget_s[instance.name()] = static_cast<double>(budget::hang_budget_seconds(instance, scale > 0 ? scale : 1));
  std::set<std::string> reported;
  bool hung = relay_runner(runner, budget_s, options.run_dir, reported);
  close(runner.output);
  int status = 0;
  if (hung) {
    // A runner stuck in the kernel may never be reaped: the console still
    // gets what there is.
    for (int tries = 0; tries < 100 && waitpid(runner.pid, &status, WNOHANG) != runner.pid; ++tries)
      usleep(100 * 1000);
  } else {
    while (waitpid(runner.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // Every instance of the shard is a test case in LAVA's results: those
  // the runner never reached (it stopped its boot after a kernel it could
  // not trust, or was killed) as "unknown".
  for (const auto& instance : instances)
    if (!reported.count(instance.name()))
      std::cout << run_command({"lava-test-case", case_name(instance.name()), "--result", "unknown"}).output
                << std::flush;
  print_file(options.run_dir, "run.json");
  int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  say(finished_line(exit_status));
  // Verdicts travel as test cases; a failing step would only stop LAVA's
  // own shell from reporting them. Only a runner that could not work at
  // all (2: usage or environment) fails the step.
  return exit_status == 2 ? 2 : 0;
}

}  // namespace dt::lava
