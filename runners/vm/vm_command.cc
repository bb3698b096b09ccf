#include "runners/vm/vm_command.h"

#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>

#include "core/command.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "reports/ktap.h"
#include "runners/build/kernel_build.h"
#include "runners/expectations.h"
#include "runners/progress.h"
#include "runners/report_files.h"
#include "runners/results_store.h"
#include "runners/shard.h"
#include "runners/vm/guest_launch.h"
#include "runners/vm/vm_bench.h"
#include "runners/vm/guest_session.h"
#include "runners/vm/kernel_locator.h"
#include "runners/vm/machine_profile.h"
#include "runners/vm/resume.h"

namespace fs = std::filesystem;

namespace dt {

const char* const kVmHelp = R"(usage: daxtorture vm [OPTIONS]
       daxtorture vm bench [OPTIONS]   (fault latency; see 'daxtorture vm bench --help')

Boots a kernel in QEMU with an emulated NVDIMM (label area, fsdax and devdax
namespaces made inside through libndctl) and runs 'daxtorture run' there. The
guest runs from its own image (this binary, mkfs.xfs, mkfs.ext4, xfs_io,
dmsetup, ndctl, daxctl, kmod, busybox, their libraries, the kernel's modules),
built at the start of a run and cached by content under
/var/cache/daxtorture/guest-images: a package upgrade on this machine during
a run cannot reach the guest. The KTAP stream arrives on
stdout as instances finish, progress on stderr; results are written on the
host as they happen, so a guest that panics or hangs loses nothing finished.

With no options: the default Debian 6.12 kernel set up by tools/setup, the
default workload set, TCG unless KVM really works.

kernel:
  --kernel-package NAME  a Debian kernel package (fetched from the archive if
                         needed) or an alias made by set-up: default, 6.12, 6.1
  --kernel IMAGE         a bzImage you built
  --modules DIR          its modules: INSTALL_MOD_PATH folder or
                         lib/modules/RELEASE (default /lib/modules/RELEASE)
  --tree DIR             a kernel git tree: built first as 'daxtorture build
                         --tree DIR' does (cached by commit and config), then
                         booted; run.json and kcidb.json name its commit,
                         describe string and config hash
  --lean                 with --tree: build with 'daxtorture build --lean'

run:
  -t, --test PATTERN     instances to run (as for 'daxtorture run'; repeatable)
  --results DIR          parent folder of run folders (default: ./results)
  --run-id ID            name of the run folder (default: time and kernel)
  --profile FILE         machine profile (default: vm-configs/default.profile)
  --accel auto|tcg|kvm   accelerator (default auto: KVM only when the CPU has
                         vmx/svm and a probe boot succeeds)
  --timeout-scale X      multiply workload timeouts (default from the profile)
  --hang-timeout SECONDS an instance with no result this long after it
                         started, or a guest silent this long, is hung: its
                         blocked tasks are dumped (sysrq w, l) to the
                         console, then it is killed and booted again; a
                         chatty console does not hide a hang (default: each
                         instance's scaled timeout + 60 s; silence: the
                         longest instance timeout + 3 min)
  --nvdimm FILE          NVDIMM backing file to use and keep (default: a new
                         sparse file in the run folder, deleted afterwards)
  --expectations PATH    known failures: a .expect file, or a folder whose
                         files for this kernel apply (default:
                         vm-configs/expectations); with them, exit status 1
                         means a failure that is not known
  --no-expectations      judge every failure as new
  --repeat N             run each instance N times in a row (named NAME#2, ...),
                         to measure how often a failure reproduces
  --shard K/N            run part K of N of the selected instances, so that N
                         machines split one run: deterministic (the same on
                         every machine and night for the same selection) and
                         balanced by expected time (workload timeout + 10 s
                         each; longest first, to the least loaded part)
  --inject FAULT         passed to 'daxtorture run' in the guest (repeatable)
  --resume RUN_DIR       finish an interrupted run: instances with a verdict
                         are kept, the others run again into the same folder
  --quiet                no progress lines on stderr

files in the run folder: run.json, report.html, junit.xml, kcidb.json,
console.log, instances/*/ (output, dmesg slice, instance.json).
)";

namespace {
struct VmOptions {
  std::string kernel_package = "default";
  std::string kernel_image;
  std::string modules;
  std::string tree;
  bool lean = false;
  std::vector<std::string> patterns;
  std::string results = "results";
  std::string run_id;
  std::string profile = std::string(DAXTORTURE_SOURCE_DIR) + "/vm-configs/default.profile";
  std::string accel = "auto";
  double timeout_scale = 0;
  long hang_timeout_s = 0;
  std::string nvdimm;
  bool quiet = false;
  std::vector<std::string> injections;
  int repeat = 1;
  std::optional<Shard> shard;
  std::string resume;
  std::string expectations = std::string(DAXTORTURE_SOURCE_DIR) + "/vm-configs/expectations";
};

VmOptions parse_options(Args& args) {
  VmOptions options;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture vm' takes options only");
    if (*option == "--kernel-package") options.kernel_package = args.value(*option);
    else if (*option == "--kernel") options.kernel_image = args.value(*option);
    else if (*option == "--modules") options.modules = args.value(*option);
    else if (*option == "--tree") options.tree = args.value(*option);
    else if (*option == "--lean") options.lean = true;
    else if (*option == "-t" || *option == "--test") options.patterns.push_back(args.value(*option));
    else if (*option == "--results") options.results = args.value(*option);
    else if (*option == "--run-id") options.run_id = args.value(*option);
    else if (*option == "--profile") options.profile = args.value(*option);
    else if (*option == "--accel") options.accel = args.value(*option);
    else if (*option == "--nvdimm") options.nvdimm = args.value(*option);
    else if (*option == "--quiet") options.quiet = true;
    else if (*option == "--inject") options.injections.push_back(args.value(*option));
    else if (*option == "--resume") options.resume = args.value(*option);
    else if (*option == "--hang-timeout") options.hang_timeout_s = static_cast<long>(args.positive_number(*option));
    else if (*option == "--repeat") options.repeat = static_cast<int>(args.positive_number(*option));
    else if (*option == "--shard") options.shard = parse_shard(args.value(*option));
    else if (*option == "--expectations") options.expectations = args.value(*option);
    else if (*option == "--no-expectations") options.expectations.clear();
    else if (*option == "--timeout-scale") {
      std::string text = args.value(*option);
      try {
        options.timeout_scale = std::stod(text);
      } catch (const std::exception&) {
      }
      if (options.timeout_scale <= 0)
        throw UsageError("--timeout-scale takes a positive number, not '" + text + "'");
    } else unknown_option("vm", *option);
  }
  if (options.accel != "auto" && options.accel != "tcg" && options.accel != "kvm")
    throw UsageError("--accel takes auto, tcg or kvm, not '" + options.accel + "'");
  if (!options.resume.empty() && (!options.patterns.empty() || options.repeat > 1 || !options.run_id.empty() ||
                                  options.shard))
    throw UsageError("--resume takes the instances, repetitions, shard and run id of the run it resumes; "
                     "drop -t, --repeat, --shard and --run-id");
  if (!options.modules.empty() && options.kernel_image.empty())
    throw UsageError("--modules goes with --kernel IMAGE");
  if (!options.tree.empty() && !options.kernel_image.empty())
    throw UsageError("--tree builds its own kernel; drop --kernel (or --tree)");
  if (options.lean && options.tree.empty()) throw UsageError("--lean goes with --tree DIR");
  return options;
}

// `--tree DIR`: build (or find the cached build of) the tree's HEAD.
GuestKernel kernel_of_tree(const std::string& tree, bool lean, bool quiet) {
  BuildRequest request;
  request.tree = tree;
  request.recipe.lean = lean;
  request.recipe.fragment = default_fragment_path();
  request.quiet = quiet;
  KernelBuild build;
  try {
    build = build_kernel(request);
  } catch (const BuildFailed& failure) {
    throw SetupError(std::string("the tree's kernel did not build: ") + failure.what());
  }
  GuestKernel kernel = locate_kernel_image(build.image, build.module_root);
  kernel.label = "tree " + build.origin.tree + " at " + build.origin.describe;
  return kernel;
}

// The guest runner's command, left in the run folder for the guest's /init.
std::string guest_script(const VmOptions& options, const GuestKernel& kernel,
                         const std::string& token, const std::string& run_id,
                         const std::string& accel, double timeout_scale,
                         const std::string& after_power_cut) {
  std::vector<std::string> argv = {kGuestBinary, "run",
                                   "--vm-guest", token,
                                   "--run-dir", "/run/daxtorture/results",
                                   "--run-id", run_id,
                                   "--ktap-out", "/dev/ttyS1",
                                   "--machine", "qemu-" + accel,
                                   "--timeout-scale", std::to_string(timeout_scale)};
  if (!kernel.config.empty()) {
    argv.push_back("--kernel-config");
    argv.push_back(kernel.config);
  }
  for (const auto& pattern : options.patterns) {
    argv.push_back("-t");
    argv.push_back(pattern);
  }
  for (const auto& fault : options.injections) {
    argv.push_back("--inject");
    argv.push_back(fault);
  }
  if (!after_power_cut.empty()) {
    argv.push_back("--after-power-cut");
    argv.push_back(after_power_cut);
  }
  if (options.repeat > 1) {
    argv.push_back("--repeat");
    argv.push_back(std::to_string(options.repeat));
  }
  std::string script = "#!/bin/sh\n# written by 'daxtorture vm'; run by the guest's /init\ncd /\n";
  for (const auto& word : argv) script += shell_quote(word) + " ";
  // KTAP also reaches stdout, i.e. the guest console; keep the console for
  // the kernel and the runner's own progress.
  script += ">/dev/null\n";
  return script;
}

std::vector<ExpectationFile> load_expectations_for(const std::string& path, const std::string& release) {
  if (path.empty()) return {};
  if (fs::is_directory(path)) return expectations_for(path, release);
  ExpectationFile file = load_expectations(path);
  if (!file.covers(release))
    std::cerr << "daxtorture vm: " << path << " does not cover kernel " << release << "; ignored\n";
  return file.covers(release) ? std::vector<ExpectationFile>{file} : std::vector<ExpectationFile>{};
}

void print_expectation_summary(const RunResult& run) {
  for (const auto& instance : run.instances)
    if (instance.expectation != Expectation::none)
      std::cerr << "daxtorture vm: " << expectation_name(instance.expectation) << ": " << instance.name
                << " " << status_name(instance.status) << "\n";
}

// Instances that the guest never reported: the one it was running when it
// died gets the guest's fate (CRASH or TIMEOUT), the rest were not run.
void account_for_missing(const std::vector<Instance>& expected, const GuestSessionOutcome& outcome,
                         const std::string& run_dir, RunResult& run) {
  std::set<std::string> reported;
  for (const auto& instance : run.instances) reported.insert(instance.name);
  std::string fate;
  if (!outcome.power_cut_for.empty()) {
    // Planned: the instance that asked goes on after the next boot, and so
    // do the ones after it.
    for (const auto& instance : expected) {
      if (reported.count(instance.name())) continue;
      InstanceResult result = not_run_result(
          instance, Status::broken, "not run yet: the power was cut for " + outcome.power_cut_for);
      save_instance(run_dir, result);
      run.instances.push_back(result);
    }
    return;
  }
  if (!outcome.init_fatal.empty()) fate = "guest set-up failed: " + outcome.init_fatal;
  else if (!outcome.panic_line.empty()) fate = "guest kernel panic: " + outcome.panic_line;
  else if (outcome.interrupted) fate = "the run was interrupted on the host (Ctrl-C or SIGTERM)";
  else if (outcome.deadline_hit) fate = "the guest overran the run's deadline and was killed";
  else if (outcome.instance_overdue)
    fate = "the guest was hung (no result " + std::to_string(outcome.overdue_budget_s) +
           " s after the instance started) and was killed" +
           (outcome.task_dump_requested ? " after a sysrq task dump (in console-tail.txt)" : "");
  else if (outcome.silent_too_long)
    fate = std::string("the guest was silent too long (hung) and was killed") +
           (outcome.task_dump_requested ? " after a sysrq task dump (in console-tail.txt)" : "");
  else if (outcome.qemu_killed_by != 0)
    fate = std::string("QEMU was killed from outside (SIG") + sigabbrev_np(outcome.qemu_killed_by) + ")";
  else if (!outcome.boot_stopped.empty()) fate = "the guest runner stopped the boot: " + outcome.boot_stopped;
  else if (outcome.runner_exit_status > 1)
    fate = "the guest runner died (exit status " + std::to_string(outcome.runner_exit_status) +
           (outcome.runner_exit_status > 128
                ? std::string(": killed by SIG") + sigabbrev_np(outcome.runner_exit_status - 128)
                : std::string()) + ")";
  else fate = "the guest stopped (QEMU exit status " + std::to_string(outcome.qemu_exit_status) + ")";

  for (const auto& instance : expected) {
    if (reported.count(instance.name())) continue;
    InstanceResult result;
    if (instance.name() == outcome.last_running) {
      if (outcome.interrupted) {
        result = not_run_result(instance, Status::broken, fate + " while this instance ran");
        save_instance(run_dir, result);
        run.instances.push_back(result);
        continue;
      }
      Status status = outcome.panic_line.empty() && (outcome.deadline_hit || outcome.silent_too_long)
                          ? Status::timeout : Status::crash;
      result = not_run_result(instance, status, fate + " while this instance ran; see console.log");
      make_directories(run_dir + "/" + result.artifacts);
      write_text_file(run_dir + "/" + result.artifacts + "/console-tail.txt", outcome.console_tail);
    } else {
      result = not_run_result(instance, Status::broken, "not run: " + fate);
    }
    save_instance(run_dir, result);
    run.instances.push_back(result);
  }
}
GuestSessionLimits session_limits(const std::vector<Instance>& expected, double scale, bool quiet,
                                  long hang_timeout_s) {
  GuestSessionLimits limits;
  double budget = 0, longest = 0;
  for (const auto& instance : expected) {
    double seconds = instance.workload->spec.timeout.count() * scale;
    budget += seconds + 30;  // fixture set-up and teardown per instance
    longest = std::max(longest, seconds);
  }
  limits.deadline = std::chrono::seconds(static_cast<long>(budget + 300));
  limits.silence = std::chrono::seconds(static_cast<long>(longest + 180));
  if (hang_timeout_s > 0) limits.silence = std::chrono::seconds(hang_timeout_s);
  // The guest runner ends a workload at its timeout and reaps it within
  // 20 s; set-up and teardown take seconds. Past that, only a hung guest
  // (or a stopped runner) has still not sent the result.
  constexpr long kHangGrace = 60;
  for (const auto& instance : expected)
    limits.instance_budget[instance.name()] = std::chrono::seconds(
        hang_timeout_s > 0 ? hang_timeout_s
                           : static_cast<long>(instance.workload->spec.timeout.count() * scale) + kHangGrace);
  limits.show_progress = !quiet;
  return limits;
}

// The kernel log of a power_cut instance up to the cut lives only on the
// console; the guest runner judges it with the second half (run_command.cc).
void record_power_cut(const std::string& run_dir, const GuestSessionOutcome& outcome) {
  std::string dir = run_dir + "/" + instance_folder(outcome.power_cut_for);
  make_directories(dir);
  write_text_file(dir + "/" + kConsoleBeforePowerCut, outcome.power_cut_console);
}
}  // namespace

int vm_main(Args& args) {
  if (!args.done() && !args.next_is_option()) {
    std::string word = args.positional();
    if (word == "bench") return vm_bench_main(args);
    throw UsageError("unexpected argument '" + word + "'; 'daxtorture vm' takes options, or 'bench' "
                     "first for the fault-latency benchmark");
  }
  VmOptions options = parse_options(args);
  if (!program_available("qemu-system-x86_64"))
    throw UsageError("QEMU is not installed (no qemu-system-x86_64 in PATH); fix: apt-get install "
                     "qemu-system-x86, or run tools/setup");
  // The guest's whole userspace until the host root is mounted.
  if (!program_available("busybox"))
    throw UsageError("busybox is not installed (no busybox in PATH); fix: apt-get install "
                     "busybox-static, or run tools/setup");
  auto wall_started = std::chrono::steady_clock::now();
  std::vector<Instance> expected = repeat_instances(select_instances(options.patterns), options.repeat);
  if (options.shard) {
    // The guest runs exactly this part: its names, repetitions included.
    expected = shard_instances(expected, *options.shard);
    if (expected.empty())
      throw UsageError("--shard " + std::to_string(options.shard->index) + "/" + std::to_string(options.shard->count) +
                       " holds no instance: the selection has fewer instances than parts; fix: fewer parts");
    options.patterns.clear();
    for (const auto& instance : expected) options.patterns.push_back(instance.name());
    options.repeat = 1;
  }
  validate_injections(options.injections, expected);
  Progress progress(expected.size());
  if (geteuid() != 0)
    throw UsageError("'daxtorture vm' needs root (the guest writes results as root over 9p and "
                     "kernels are cached in /var/cache); run it with sudo");

  GuestKernel kernel = !options.tree.empty()          ? kernel_of_tree(options.tree, options.lean, options.quiet)
                       : options.kernel_image.empty() ? locate_debian_kernel(options.kernel_package)
                                                      : locate_kernel_image(options.kernel_image, options.modules);
  require_pmem_support(kernel);
  MachineProfile profile = load_machine_profile(options.profile);
  // Read before the boot: a malformed file must not cost a run.
  std::vector<ExpectationFile> expectations = load_expectations_for(options.expectations, kernel.release);

  std::optional<ResumePlan> resume;
  if (!options.resume.empty()) {
    options.run_id = fs::path(fs::absolute(options.resume)).lexically_normal().filename();
    options.results = fs::path(fs::absolute(options.resume)).lexically_normal().parent_path();
    resume = plan_resume(options.resume, kernel.release);
    if (resume->remaining.empty()) {
      std::cerr << "daxtorture vm: every instance in " << options.resume << " has a verdict; "
                << "nothing to resume\n";
      fs::rename(options.resume + "/.guest/previous-run.json", options.resume + "/run.json");
      return status_is_failure(overall_status(resume->previous)) ? 1 : 0;
    }
    expected = select_instances(resume->remaining);
    options.patterns = resume->remaining;
    progress = Progress(expected.size());
  }

  std::string run_id = options.run_id.empty() ? default_run_id(kernel.release) : options.run_id;
  std::string run_dir = fs::absolute(options.results + "/" + run_id);
  prepare_results_dir(run_dir);
  QemuLaunch launch = prepare_guest_launch(kernel, profile, run_dir, options.nvdimm, options.accel,
                                           options.quiet);
  double scale = options.timeout_scale > 0 ? options.timeout_scale
                 : launch.accel == "kvm"   ? profile.timeout_scale_kvm
                                           : profile.timeout_scale_tcg;
  double session_offset =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_started).count();
  // Boot after boot until every instance has a verdict: a guest that panics
  // or wedges is booted again and goes on with the instances it did not reach.
  constexpr int kMaxReboots = 5;
  const size_t planned_total = expected.size();
  std::optional<ResumePlan> carried = resume;
  RunResult run;
  GuestSessionOutcome outcome, first_outcome;
  int attempts = 0, reboots = 0, power_cuts = 0;
  size_t reported_total = 0;
  std::string after_power_cut;  // the instance whose second half the next boot runs
  for (;;) {
    write_text_file(run_dir + "/.guest/run.sh", guest_script(options, kernel, launch.token, run_id,
                                                             launch.accel, scale, after_power_cut));
    GuestSessionLimits limits = session_limits(expected, scale, options.quiet, options.hang_timeout_s);
    limits.ktap_number_offset = reported_total;
    limits.ktap_header_done = reported_total > 0 || power_cuts > 0;
    if (!options.quiet)
      std::cerr << "daxtorture vm: booting " << kernel.release << " (" << kernel.label << ") under "
                << launch.accel << ", " << expected.size() << " instances, results in " << run_dir
                << std::endl;
    outcome = boot_until_userspace(launch, run_dir + "/console.log", limits, attempts);
    if (outcome.poweroff_stuck)
      std::cerr << "daxtorture vm: the guest had not powered off a minute after its runner exited "
                   "(a sync stuck on a torn-down filesystem?); QEMU killed, no result lost" << std::endl;
    if (reboots == 0) first_outcome = outcome;

    run = RunResult();
    if (fs::exists(run_dir + "/run.json")) {
      run = load_run(run_dir);
    } else {
      run.info.run_id = run_id;
      run.info.kernel_release = kernel.release;
      run.info.started_at = utc_timestamp();
    }
    size_t guest_reported = run.instances.size();
    account_for_missing(expected, outcome, run_dir, run);
    RunResult this_boot = run;
    if (carried) run = merge_resumed(*carried, run);

    std::vector<std::string> remaining;
    for (const auto& instance : run.instances)
      if (!ran_to_a_verdict(instance)) remaining.push_back(instance.name);
    bool guest_failed = outcome.init_fatal.empty() && !outcome.interrupted && !outcome.deadline_hit;
    // At most one cut per instance planned: a guest that keeps asking
    // cannot keep the host booting.
    bool power_cut = !outcome.power_cut_for.empty() && static_cast<size_t>(power_cuts) < planned_total &&
                     std::find(remaining.begin(), remaining.end(), outcome.power_cut_for) != remaining.end();
    after_power_cut.clear();
    if (power_cut) {
      after_power_cut = outcome.power_cut_for;
      record_power_cut(run_dir, outcome);
      // Its second half runs first, on the filesystem the cut left.
      remaining.erase(std::find(remaining.begin(), remaining.end(), after_power_cut));
      remaining.insert(remaining.begin(), after_power_cut);
    }
    bool boot_again = !remaining.empty() &&
                      (power_cut || (guest_failed && reboots < kMaxReboots));

    // Close the KTAP stream for what the guest could not report itself; what
    // the next boot will run is reported by that boot.
    reports::KtapWriter ktap(std::cout);
    if (reported_total == 0 && outcome.planned == 0) ktap.begin(planned_total);
    reported_total += guest_reported;
    for (size_t i = guest_reported; i < this_boot.instances.size(); ++i)
      if (!boot_again || ran_to_a_verdict(this_boot.instances[i]))
        ktap.result(++reported_total, this_boot.instances[i]);
    if (!boot_again) break;
    if (power_cut) {
      ++power_cuts;
      std::cerr << "daxtorture vm: " << Progress::format_elapsed(outcome.seconds)
                << " the power was cut for " << after_power_cut
                << " (QEMU killed); booting again on the same NVDIMM" << std::endl;
    } else {
      ++reboots;
      std::cerr << "daxtorture vm: the guest stopped with " << remaining.size()
                << " instance(s) left; booting again (" << reboots << " of at most " << kMaxReboots
                << ")" << std::endl;
    }
    save_run(run_dir, run);
    carried = ResumePlan{run, remaining};
    fs::rename(run_dir + "/run.json", run_dir + "/.guest/previous-run.json");
    expected = select_instances(remaining);
    options.patterns = remaining;
    options.repeat = 1;  // the names left carry their repetition ("NAME#2")
    fs::remove(launch.ktap_file);
  }
  run.info.machine = "qemu-" + launch.accel;
  run.info.kernel_origin = kernel.origin;
  run.info.tool_version = DAXTORTURE_VERSION;
  auto& env = run.info.environment;
  env["kernel"] = kernel.label;
  env["kernel_image"] = kernel.image;
  env["profile"] = options.profile;
  env["accelerator"] = launch.accel;
  env["qemu_command"] = join_command(qemu_argv(launch));
  record_guest_image(launch.image, env);
  env["timeout_scale"] = std::to_string(scale);
  env["boot_attempts"] = std::to_string(attempts);
  env["reboots_after_guest_failure"] = std::to_string(reboots);
  env["power_cuts"] = std::to_string(power_cuts);
  if (options.shard)
    env["shard"] = std::to_string(options.shard->index) + "/" + std::to_string(options.shard->count);
  if (first_outcome.userspace_after_s >= 0)
    env["boot_to_userspace_s"] = std::to_string(first_outcome.userspace_after_s);
  if (first_outcome.first_instance_after_s >= 0)
    env["command_to_first_instance_s"] = std::to_string(session_offset + first_outcome.first_instance_after_s);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_started).count();
  env["wall_time_s"] = std::to_string(wall);
  if (run.info.finished_at.empty()) run.info.finished_at = utc_timestamp();
  apply_expectations(expectations, run);
  for (const auto& file : expectations) env["expectations"] += (env["expectations"].empty() ? "" : " ") + file.path;
  save_run(run_dir, run);
  write_report_files(run_dir, run);
  reports::KtapWriter(std::cout).totals(run.instances);

  clean_up_guest_launch(launch, !options.nvdimm.empty());
  progress.summary(run);
  print_expectation_summary(run);
  std::cerr << "daxtorture vm: wall time " << Progress::format_elapsed(wall) << ", first instance after "
            << env["command_to_first_instance_s"] << " s; report: " << run_dir << "/report.html"
            << std::endl;
  if (!outcome.init_fatal.empty()) {
    std::cerr << "daxtorture vm: " << outcome.init_fatal << "\n";
    return 2;
  }
  if (outcome.interrupted) return 130;
  if (!expectations.empty()) return has_new_failures(run) ? 1 : 0;
  return status_is_failure(overall_status(run)) ? 1 : 0;
}

}  // namespace dt
