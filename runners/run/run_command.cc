#include "runners/run/run_command.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "core/command.h"
#include "core/context.h"
#include "core/data_path.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "reports/json_report.h"
#include "reports/ktap.h"
#include "fixtures/dax_filesystem.h"
#include "runners/run/device_guard.h"
#include "runners/run/instance_runner.h"
#include "runners/run/kernel_gcov.h"
#include "runners/run/process_group.h"
#include "runners/results/progress.h"
#include "runners/results/results_store.h"
#include "runners/wire/guest_wire.h"
#include "runners/plan/work_queue.h"

namespace dt {

const char* const kRunHelp = R"(usage: daxtorture run [OPTIONS]

Runs workload instances on this machine and prints a KTAP stream on stdout.
Each instance runs in its own process group under a watchdog, on a freshly
made filesystem; its slice of the kernel log is judged after it. Needs root.

On a real pmem machine the run reconfigures nothing unless you name a region
and confirm; inside 'daxtorture vm' the guest owns its emulated NVDIMM.

options:
  -t, --test PATTERN     instances to run: a glob over workload/fs/variant, a
                         workload name, group:NAME, or set:default (the
                         default set, to run with more) (repeatable;
                         default: the default set, see 'daxtorture list')
  --results DIR          parent folder of run folders (default: ./results)
  --run-dir DIR          write this run's results exactly here
  --run-id ID            name of the run folder (default: time and kernel)
  --region REGION        pmem region to use on a real machine (e.g. region1)
  --yes-destroy          confirm that every namespace and byte on --region
                         may be destroyed
  --dry-run              print the destructive steps and the instances, then stop
  --kernel-config FILE   .config of the running kernel, for kconfig needs
                         (default: /boot/config-$(uname -r))
  --allow-list FILE      known-harmless kernel messages (default:
                         vm-configs/dmesg-allow.txt of the source tree)
  --timeout-scale X      multiply every workload timeout by X (TCG is slow)
  --ktap-out FILE        also write the KTAP stream to FILE (a serial port)
  --machine NAME         recorded in the results (qemu-tcg, qemu-kvm, host)
  --repeat N             run each instance N times in a row (named NAME#2, ...),
                         to measure how often a failure reproduces
  --inject FAULT         simulate a broken kernel behaviour that a workload
                         declares (see 'daxtorture list'), to prove its checks
                         fail; repeatable. Never use in a nightly run.
  --kernel-coverage      zero the kernel's gcov counters before each instance
                         and copy them into its folder (gcov/) after it; the
                         kernel must be built with 'daxtorture build --coverage'.
                         'daxtorture vm --coverage' sets it and makes the reports
  --vm-guest TOKEN       internal: set by 'daxtorture vm' inside its guest
  --after-power-cut NAME internal: this boot follows the power cut instance
                         NAME asked for; NAME runs first, on what the cut left
  --queue DIR            internal: take the instances one by one from the
                         queue folder DIR that parallel guests share
                         (runners/plan/work_queue.h), into RUN_DIR/taken; -t names
                         every instance the queue may hold

exit status: 0 all instances passed or skipped, 1 any instance failed,
2 usage or environment error.
)";

namespace {
struct RunOptions {
  std::vector<std::string> patterns;
  std::string results = "results";
  std::string run_dir;
  std::string run_id;
  std::string region;
  bool yes_destroy = false;
  bool dry_run = false;
  std::string kernel_config;
  std::string allow_list = data_path("vm-configs/dmesg-allow.txt");
  double timeout_scale = 1.0;
  std::string ktap_out;
  std::string machine = "host";
  std::string vm_token;
  std::vector<std::string> injections;
  int repeat = 1;
  std::string after_power_cut;
  std::string queue;
  bool kernel_coverage = false;
};

RunOptions parse_options(Args& args) {
  RunOptions options;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture run' takes options only");
    if (*option == "-t" || *option == "--test") options.patterns.push_back(args.value(*option));
    else if (*option == "--results") options.results = args.value(*option);
    else if (*option == "--run-dir") options.run_dir = args.value(*option);
    else if (*option == "--run-id") options.run_id = args.value(*option);
    else if (*option == "--region") options.region = args.value(*option);
    else if (*option == "--yes-destroy") options.yes_destroy = true;
    else if (*option == "--dry-run") options.dry_run = true;
    else if (*option == "--kernel-config") options.kernel_config = args.value(*option);
    else if (*option == "--allow-list") options.allow_list = args.value(*option);
    else if (*option == "--ktap-out") options.ktap_out = args.value(*option);
    else if (*option == "--machine") options.machine = args.value(*option);
    else if (*option == "--vm-guest") options.vm_token = args.value(*option);
    else if (*option == "--after-power-cut") options.after_power_cut = args.value(*option);
    else if (*option == "--queue") options.queue = args.value(*option);
    else if (*option == "--kernel-coverage") options.kernel_coverage = true;
    else if (*option == "--inject") options.injections.push_back(args.value(*option));
    else if (*option == "--repeat") options.repeat = static_cast<int>(args.positive_number(*option));
    else if (*option == "--timeout-scale") options.timeout_scale = args.positive_decimal(*option);
    else unknown_option("run", *option);
  }
  return options;
}

// A serial port passes bytes through only in raw mode; otherwise the line
// discipline rewrites newlines and may echo.
void make_raw_if_terminal(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return;
  if (isatty(fd)) {
    termios mode{};
    if (tcgetattr(fd, &mode) == 0) {
      cfmakeraw(&mode);
      tcsetattr(fd, TCSANOW, &mode);
    }
  }
  close(fd);
}

RunInfo describe_run(const RunOptions& options, const std::string& run_id) {
  utsname names{};
  uname(&names);
  RunInfo info;
  info.run_id = run_id;
  info.kernel_release = names.release;
  info.kernel_version = names.version;
  info.machine = options.machine;
  info.tool_version = DAXTORTURE_VERSION;
  info.started_at = utc_timestamp();
  return info;
}

// The selection checked against the options only 'daxtorture vm' sets;
// the injected faults, comma-joined.
std::string checked_injections(const RunOptions& options, const std::vector<Instance>& instances) {
  std::string injections = validate_injections(options.injections, instances);
  if (!options.after_power_cut.empty() &&
      (options.vm_token.empty() || instances.empty() || instances[0].name() != options.after_power_cut ||
       !instances[0].workload->spec.power_cut))
    throw UsageError("--after-power-cut NAME is set by 'daxtorture vm' for the boot after a power "
                     "cut: NAME must be a power-cut instance selected first, with --vm-guest");
  if (!options.queue.empty() && options.vm_token.empty())
    throw UsageError("--queue is set by 'daxtorture vm' for its guests (with --vm-guest); drop it");
  if (options.kernel_coverage && !options.dry_run) {
    std::string missing = kernel_gcov_missing();
    if (!missing.empty()) throw UsageError("--kernel-coverage: " + missing);
  }
  return injections;
}

RegionClaim claim_region(const RunOptions& options) {
  RegionClaim claim;
  if (!options.vm_token.empty()) claim = claim_vm_region(options.vm_token);
  else if (!options.region.empty()) {
    // A dry run meets the same refusals (a mounted or busy device) as the
    // real one, so that it shows whether the real one would go ahead.
    claim = claim_host_region(options.region, options.yes_destroy || options.dry_run);
  } else if (options.yes_destroy) {
    throw UsageError("--yes-destroy needs --region naming what may be destroyed");
  }
  return claim;
}

int print_dry_run(const RegionClaim& claim, const std::vector<Instance>& instances) {
  std::cout << "daxtorture run --dry-run: nothing is changed.\n";
  if (claim.owned) {
    std::cout << "destructive steps on " << (claim.region.empty() ? "the VM's NVDIMM" : claim.region)
              << ":\n";
    for (const auto& step : destructive_steps(claim)) std::cout << "  - " << step << "\n";
  } else {
    std::cout << "no region named: instances that need pmem would SKIP.\n";
  }
  std::cout << instances.size() << " instances:\n";
  for (const auto& instance : instances) std::cout << "  " << instance.name() << "\n";
  return 0;
}

AllowList load_allow_list(const std::string& path) {
  try {
    return AllowList::load(path);
  } catch (const std::runtime_error& error) {
    throw UsageError(error.what());  // it names FILE:LINE:COLUMN and the fix
  }
}

// How this machine makes and mounts the filesystems, and what it owns, in
// run.json; the injected faults reach the workloads through the
// environment.
void describe_environment(RunResult& run, const RegionClaim& claim, const std::optional<KernelConfig>& kernel_config,
                          const std::string& injections) {
  run.info.environment["ownership"] = claim.owned ? claim.why : "no pmem region owned";
  if (kernel_config) run.info.environment["kernel_config"] = kernel_config->source;
  for (const char* type : {"xfs", "xfs-reflink", "xfs-rmap", "ext4"})
    run.info.environment[std::string("mkfs.") + type] = join_command(fixtures::DaxFilesystem::mkfs_command(type, "DEV"));
  run.info.environment["mount_options"] = "dax";
  if (!injections.empty()) {
    run.info.environment["injected_faults"] = injections;
    setenv(kInjectEnvironment, injections.c_str(), 1);
  } else {
    unsetenv(kInjectEnvironment);
  }
}

// The KTAP stream: stdout, and for the VM host a copy on a serial port as
// it is written.
class KtapChannels {
 public:
  explicit KtapChannels(const std::string& copy_path) {
    if (copy_path.empty()) return;
    make_raw_if_terminal(copy_path);
    copy_file_.open(copy_path);
    if (!copy_file_) throw UsageError("cannot write the KTAP stream to " + copy_path);
    copy_.emplace(copy_file_);
  }
  // Calls `write` with each channel's writer.
  template <typename Write>
  void each(Write&& write) {
    write(out_);
    if (copy_) write(*copy_);
  }
  void diagnostic(const std::string& text) {
    each([&](reports::KtapWriter& writer) { writer.diagnostic(text); });
  }
  void result(size_t number, const InstanceResult& result) {
    each([&](reports::KtapWriter& writer) { writer.result(number, result); });
  }

 private:
  reports::KtapWriter out_{std::cout};
  std::ofstream copy_file_;
  std::optional<reports::KtapWriter> copy_;
};

// The pmem namespaces of the run, when it owns a region and an instance
// needs one. A failed set-up is no usage error: the instances that need
// pmem get it as their BROKEN reason (`pool_error`), the rest still run.
std::unique_ptr<NamespacePool> open_namespace_pool(const RegionClaim& claim, const std::vector<Instance>& instances,
                                                   bool after_power_cut, RunResult& run, KtapChannels& ktap,
                                                   std::string& pool_error) {
  bool needs_pmem = false;
  for (const auto& instance : instances)
    if (instance.workload->spec.needs.mode != NamespaceMode::none) needs_pmem = true;
  if (!claim.owned || !needs_pmem) return nullptr;
  try {
    auto pool = std::make_unique<NamespacePool>(claim.region, after_power_cut);
    run.info.environment["namespaces"] = pool->describe();
    return pool;
  } catch (const std::exception& error) {
    pool_error = std::string("pmem namespace set-up failed: ") + error.what();
    ktap.diagnostic(pool_error);
    return nullptr;
  }
}

// Which instance runs next. Without a queue, the selection in its order;
// with one, the instance the power cut left first (it is no longer
// queued), then whatever the queue hands this guest.
class InstanceSource {
 public:
  InstanceSource(const RunOptions& options, const std::vector<Instance>& instances, const std::string& run_dir)
      : options_(options), instances_(instances), taken_dir_(run_dir + "/taken") {
    for (const auto& instance : instances) by_name_[instance.name()] = &instance;
  }

  // The i-th instance this runner runs (0-based), nullptr when done.
  const Instance* next(size_t i) {
    place_ = i;
    if (options_.queue.empty()) return i < instances_.size() ? &instances_[i] : nullptr;
    if (i == 0 && !options_.after_power_cut.empty()) return &instances_[0];
    auto entry = take_next(options_.queue, taken_dir_);
    if (!entry) return nullptr;
    place_ = std::stoul(entry->file) - 1;
    auto found = by_name_.find(entry->name);
    if (found == by_name_.end())
      throw UsageError("the queue " + options_.queue + " holds " + entry->name +
                       ", which -t does not select; fix: name every queued instance with -t");
    return found->second;
  }
  // Where the last instance stands in the whole run, for the running line
  // ("[3/12] running NAME"): its queue position when queued.
  size_t place() const { return place_; }
  // Instances after the i-th not yet run (by this runner or another).
  size_t left_after(size_t i) const {
    return options_.queue.empty() ? instances_.size() - i - 1 : queue_entries(options_.queue).size();
  }

 private:
  const RunOptions& options_;
  const std::vector<Instance>& instances_;
  std::string taken_dir_;
  std::map<std::string, const Instance*> by_name_;
  size_t place_ = 0;
};

// After the i-th instance left the kernel unfit: whether to stop. In its
// own VM the runner stops the boot (the host boots a fresh guest for the
// instances not reported). A real machine is not ours to reboot: an
// oopsed kernel may still run the rest (their verdicts carry its taint);
// a stuck task holds the fixture, so nothing after it would be judged
// fairly, and the rest is reported not run.
bool stop_after_unfit_kernel(const InstanceRunner& runner, bool in_own_vm, const InstanceSource& source, size_t i,
                             const std::vector<Instance>& instances, const std::string& run_dir, RunResult& run,
                             KtapChannels& ktap) {
  if (runner.kernel_unfit().empty()) return false;
  if (in_own_vm) {
    size_t left = source.left_after(i);
    if (left > 0)
      ktap.diagnostic(wire::stopping_line(runner.kernel_unfit() + "; " + std::to_string(left) +
                                          " instance(s) left for a fresh boot"));
    return true;
  }
  if (!runner.fixture_held()) return false;
  for (size_t j = i + 1; j < instances.size(); ++j) {
    InstanceResult skipped =
        not_run_result(instances[j], Status::broken, "not run: " + runner.kernel_unfit() + " on this boot");
    save_instance(run_dir, skipped);
    run.instances.push_back(skipped);
    ktap.result(j + 1, skipped);
  }
  return true;
}

// What the instance runner needs from the run's options.
InstanceRunnerSettings runner_settings(const RunOptions& options, const std::string& run_dir,
                                       const AllowList& allow_list, const std::optional<KernelConfig>& kernel_config,
                                       NamespacePool* pool) {
  InstanceRunnerSettings settings;
  settings.run_dir = run_dir;
  settings.allow_list = &allow_list;
  settings.kernel_config = kernel_config ? &*kernel_config : nullptr;
  settings.pool = pool;
  settings.timeout_scale = options.timeout_scale;
  settings.in_own_vm = !options.vm_token.empty();
  settings.after_power_cut = options.after_power_cut;
  settings.kernel_coverage = options.kernel_coverage;
  return settings;
}

// Runs the instances one by one into `run`: each one's record
// (instance.json), the runner's run.json, then its KTAP result, in that
// order, so that a host reading the result line finds the record.
void run_instances(const RunOptions& options, const std::vector<Instance>& instances, const std::string& run_dir,
                   InstanceRunner& runner, const std::string& pool_error, RunResult& run, KtapChannels& ktap,
                   Progress& progress) {
  const bool in_own_vm = !options.vm_token.empty();
  InstanceSource source(options, instances, run_dir);
  for (size_t i = 0;; ++i) {
    const Instance* next = source.next(i);
    if (!next) break;
    const Instance& instance = *next;
    ktap.diagnostic(wire::running_line(source.place(), instances.size(), instance.name()));
    progress.started(source.place(), instance.name());
    InstanceResult result = !pool_error.empty() && instance.workload->spec.needs.mode != NamespaceMode::none
                                ? not_run_result(instance, Status::broken, pool_error)
                                : runner.run(instance);
    save_instance(run_dir, result);
    run.instances.push_back(result);
    save_run(run_dir, run);
    ktap.result(i + 1, result);
    progress.finished(source.place(), result);
    if (stop_after_unfit_kernel(runner, in_own_vm, source, i, instances, run_dir, run, ktap)) break;
  }
}
}  // namespace

int run_main(Args& args) {
  RunOptions options = parse_options(args);
  std::vector<Instance> instances = repeat_instances(select_instances(options.patterns), options.repeat);
  std::string injections = checked_injections(options, instances);

  RegionClaim claim = claim_region(options);

  if (options.dry_run) return print_dry_run(claim, instances);
  if (geteuid() != 0)
    throw UsageError("'daxtorture run' needs root (it loads modules, makes filesystems and "
                     "reads /dev/kmsg); run it with sudo");

  std::string run_id = options.run_id.empty() ? default_run_id() : options.run_id;
  std::string run_dir = options.run_dir.empty() ? options.results + "/" + run_id : options.run_dir;
  prepare_results_dir(run_dir);

  AllowList allow_list = load_allow_list(options.allow_list);
  std::optional<KernelConfig> kernel_config = KernelConfig::load(options.kernel_config);

  RunResult run;
  run.info = describe_run(options, run_id);
  describe_environment(run, claim, kernel_config, injections);

  KtapChannels ktap(options.ktap_out);
  ktap.each([&](reports::KtapWriter& writer) { writer.begin(instances.size()); });
  ktap.diagnostic("daxtorture " + std::string(DAXTORTURE_VERSION) + " on " + run.info.kernel_release +
                  ", results in " + run_dir);

  std::string pool_error;
  std::unique_ptr<NamespacePool> pool =
      open_namespace_pool(claim, instances, !options.after_power_cut.empty(), run, ktap, pool_error);
  InstanceRunnerSettings settings = runner_settings(options, run_dir, allow_list, kernel_config, pool.get());
  InstanceRunner runner(settings);
  become_subreaper();
  // In the VM the OOM killer must pick a workload, never the runner that
  // reports it; workload processes reset their own score (workload_child.cc).
  if (settings.in_own_vm) write_text_file("/proc/self/oom_score_adj", "-1000");

  Progress progress(instances.size());
  save_run(run_dir, run);
  run_instances(options, instances, run_dir, runner, pool_error, run, ktap, progress);
  if (pool) run.info.environment["namespaces"] = pool->describe();
  pool.reset();
  run.info.finished_at = utc_timestamp();
  run.info.duration_s = progress.elapsed_seconds();
  save_run(run_dir, run);
  ktap.each([&](reports::KtapWriter& writer) { writer.finish(); });
  progress.summary(run);
  return status_is_failure(overall_status(run)) ? 1 : 0;
}

}  // namespace dt
