#include "runners/bisect/bisect_step.h"

#include <csignal>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/errors.h"
#include "core/text_file.h"
#include "runners/kernel/git_tree.h"
#include "runners/kernel/kernel_build.h"
#include "runners/kernel/logged_process.h"
#include "core/sha256.h"
#include "runners/results/progress.h"
#include "runners/results/results_store.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
void say(const BisectOptions& options, int number, const std::string& what) {
  if (!options.quiet) std::cerr << "daxtorture bisect: [" << number << "] " << what << std::endl;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

struct BuiltKernel {
  std::string image, modules;
  std::string skip_reason;   // not empty: this commit cannot be judged
};

// --build-command: CMD in the tree with DAXTORTURE_BUILD_OUT set to an empty
// folder; exit 125 = cannot build this commit.
BuiltKernel build_with_command(const BisectOptions& options, const std::string& bisect_dir,
                               const std::string& commit, int number) {
  BuiltKernel built;
  std::string out = bisect_dir + "/builds/" + commit.substr(0, 12);
  std::string log = out + ".build.log";
  fs::remove_all(out);
  make_directories(out);
  write_text_file(log, "");
  say(options, number, "building with --build-command (log: " + log + ")");
  int status = run_logged({{"sh", "-c", options.build_command}, options.tree,
                           {"DAXTORTURE_BUILD_OUT=" + out}, log,
                           [&](double s) { say(options, number, "still building, " + Progress::format_elapsed(s)); }, 60});
  if (status == 125) {
    built.skip_reason = "the build command cannot build this commit (exit 125)";
    return built;
  }
  if (status != 0) {
    built.skip_reason = "the build command failed (exit " + std::to_string(status) + "): " +
                        first_line(file_tail(log, 1)) + " (log: " + log + ")";
    return built;
  }
  if (!fs::exists(out + "/bzImage") || !fs::exists(out + "/modules")) {
    built.skip_reason = "the build command exited 0 but left no $DAXTORTURE_BUILD_OUT/bzImage and "
                        "modules/ (log: " + log + ")";
    return built;
  }
  GitTree tree(options.tree);
  KernelOrigin origin;
  origin.kind = "tree";
  origin.tree = tree.path();
  origin.repository_url = tree.remote_url();
  origin.commit = commit;
  origin.describe = tree.describe(commit);
  origin.config_name = "--build-command";
  origin.architecture = "x86_64";
  if (auto config = read_text_file(out + "/.config")) origin.config_sha256 = sha256_hex(*config);
  write_kernel_origin(out + "/kernel-origin.txt", origin);
  built.image = out + "/bzImage";
  built.modules = out + "/modules";
  return built;
}

BuiltKernel build_builtin(const BisectOptions& options) {
  BuildRequest request;
  request.tree = options.tree;
  request.recipe.base_config = options.base_config;
  request.recipe.fragment = options.fragment.empty() ? default_fragment_path() : options.fragment;
  request.recipe.lean = options.lean;
  request.jobs = options.jobs;
  request.quiet = options.quiet;
  BuiltKernel built;
  try {
    KernelBuild build = build_kernel(request);
    built.image = build.image;
    built.modules = build.module_root;
  } catch (const BuildFailed& failure) {
    built.skip_reason = std::string("the kernel did not build: ") + failure.what();
  } catch (const UsageError& error) {
    // Checked for the tree at the start; on this commit it is the commit's
    // own (a config that loses options, say).
    built.skip_reason = std::string("cannot build this commit: ") + error.what();
  }
  return built;
}

}  // namespace

std::string instance_evidence(const InstanceResult& instance) {
  std::string text = instance.name + " " + status_name(instance.status);
  if (!instance.failures.empty()) text += ": " + instance.failures.front().message;
  else if (!instance.kernel_findings.empty()) text += ": " + instance.kernel_findings.front().line;
  else if (!instance.reason.empty()) text += ": " + instance.reason;
  return text;
}

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::passes: return "pass";
    case Outcome::fails: return "fail";
    case Outcome::skip: return "skip";
  }
  return "?";
}

Outcome judge_run(const RunResult& run, std::string* reason) {
  std::string failing, unjudged;
  for (const auto& instance : run.instances) {
    if (status_blames_kernel(instance.status)) failing += (failing.empty() ? "" : "; ") + instance_evidence(instance);
    else if (instance.status != Status::pass) unjudged += (unjudged.empty() ? "" : "; ") + instance_evidence(instance);
  }
  if (!failing.empty()) {
    *reason = failing;
    return Outcome::fails;
  }
  if (run.instances.empty()) {
    *reason = "no instance ran";
    return Outcome::skip;
  }
  if (!unjudged.empty()) {
    *reason = unjudged;
    return Outcome::skip;
  }
  *reason = std::to_string(run.instances.size()) + " instance(s) passed";
  return Outcome::passes;
}

StepResult run_bisect_step(const BisectOptions& options, const std::string& bisect_dir, int number,
                           const std::string& role, const std::string& commit) {
  StepResult step;
  step.number = number;
  step.role = role;
  step.commit = commit;
  GitTree tree(options.tree);
  step.subject = tree.subject(commit);
  say(options, number, role + " " + commit.substr(0, 12) + " " + step.subject);

  auto build_started = std::chrono::steady_clock::now();
  BuiltKernel built = options.build_command.empty() ? build_builtin(options)
                                                    : build_with_command(options, bisect_dir, commit, number);
  step.build_s = seconds_since(build_started);
  if (!built.skip_reason.empty()) {
    step.outcome = Outcome::skip;
    step.reason = built.skip_reason;
    return step;
  }

  std::string run_id = "step-" + std::to_string(number) + "-" + commit.substr(0, 12);
  std::string runs = bisect_dir + "/runs";
  make_directories(runs);
  for (int again = 2; fs::exists(runs + "/" + run_id); ++again)
    run_id = "step-" + std::to_string(number) + "-" + commit.substr(0, 12) + "-" + std::to_string(again);
  step.run_dir = runs + "/" + run_id;
  std::vector<std::string> argv = {fs::read_symlink("/proc/self/exe"), "vm", "--kernel", built.image,
                                   "--modules", built.modules, "--results", runs, "--run-id", run_id,
                                   "--no-expectations", "--accel", options.accel};
  for (const auto& pattern : options.patterns) argv.insert(argv.end(), {"-t", pattern});
  if (options.repeat > 1) argv.insert(argv.end(), {"--repeat", std::to_string(options.repeat)});
  if (!options.timeout_scale.empty()) argv.insert(argv.end(), {"--timeout-scale", options.timeout_scale});
  if (!options.profile.empty()) argv.insert(argv.end(), {"--profile", options.profile});
  std::string log = runs + "/" + run_id + ".vm.log";
  say(options, number, "booting and running " + std::to_string(options.patterns.size()) + " pattern(s)" +
                           (options.repeat > 1 ? " x" + std::to_string(options.repeat) : "") + " (log: " + log + ")");
  auto run_started = std::chrono::steady_clock::now();
  int status = run_logged({argv, "", {}, log,
                           [&](double s) { say(options, number, "still running, " + Progress::format_elapsed(s)); }, 60});
  step.run_s = seconds_since(run_started);
  if (status == 130 || status == 128 + SIGINT || status == 128 + SIGTERM) {
    step.interrupted = true;
    step.reason = "interrupted";
    return step;
  }
  if (!fs::exists(step.run_dir + "/run.json")) {
    step.outcome = Outcome::skip;
    step.reason = "the guest did not run (vm exit " + std::to_string(status) + "): " +
                  first_line(file_tail(log, 1)) + " (log: " + log + ")";
    return step;
  }
  RunResult run = load_run(step.run_dir);
  step.outcome = judge_run(run, &step.reason);
  if (status == 2 && step.outcome == Outcome::passes) {
    step.outcome = Outcome::skip;
    step.reason = "vm exit 2: " + first_line(file_tail(log, 1));
  }
  return step;
}

}  // namespace dt
