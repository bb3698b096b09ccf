#include "runners/vm/vm_run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>

#include "core/command.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "reports/ktap.h"
#include "runners/kernel/coverage_objects.h"
#include "runners/results/expectations.h"
#include "runners/results/kernel_coverage.h"
#include "runners/results/progress.h"
#include "runners/results/report_files.h"
#include "runners/results/results_store.h"
#include "runners/results/run_finish.h"
#include "runners/vm/guest_launch.h"
#include "runners/vm/guest_pool.h"
#include "runners/vm/job_count.h"
#include "runners/vm/ktap_relay.h"
#include "runners/vm/machine_profile.h"
#include "runners/vm/resume.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

void check_host_programs() {
  if (!program_available("qemu-system-x86_64"))
    throw UsageError("QEMU is not installed (no qemu-system-x86_64 in PATH); fix: apt-get install "
                     "qemu-system-x86, or run tools/setup");
  // The guest's whole userspace until the host root is mounted.
  if (!program_available("busybox"))
    throw UsageError("busybox is not installed (no busybox in PATH); fix: apt-get install "
                     "busybox-static, or run tools/setup");
}

// The run's instances, selected once: they travel by value from here to
// the guest pool.
std::vector<Instance> selected_instances(const VmOptions& options) {
  std::vector<Instance> expected = repeat_instances(select_instances(options.patterns), options.repeat);
  if (options.shard) {
    // The guests run exactly this part: its names, repetitions included.
    expected = shard_instances(expected, *options.shard);
    if (expected.empty())
      throw UsageError("--shard " + std::to_string(options.shard->index) + "/" + std::to_string(options.shard->count) +
                       " holds no instance: the selection has fewer instances than parts; fix: fewer parts");
  }
  validate_injections(options.injections, expected);
  return expected;
}

// The guests of the run: how many fit, and their launches.
struct Guests {
  std::vector<QemuLaunch> launches;
  JobLimits limits;
  int jobs = 1;
};

Guests prepare_guests(const VmOptions& options, const GuestKernel& kernel, const MachineProfile& profile,
                      const std::string& run_dir, size_t instances) {
  // Whether J guests fit, before anything boots (the accelerator is not
  // known yet; memory and disk do not depend on it).
  HostResources host = probe_host_resources(run_dir);
  std::string memory_warning = check_jobs_fit(options.jobs, job_limits(host, profile, options.guest.accel), run_dir);
  if (!memory_warning.empty()) std::cerr << "daxtorture vm: warning: " << memory_warning << std::endl;
  QemuLaunch launch = prepare_guest_launch(kernel, profile, run_dir, options.guest.nvdimm, options.guest.accel,
                                           options.guest.quiet);
  Guests guests;
  guests.limits = job_limits(host, profile, launch.accel);
  int jobs = options.jobs > 0 ? options.jobs : options.guest.nvdimm.empty() ? guests.limits.best() : 1;
  guests.jobs = std::max(1, std::min(jobs, static_cast<int>(instances)));
  guests.launches = {launch};
  for (int guest = 2; guest <= guests.jobs; ++guest) guests.launches.push_back(launch_for_guest(launch, guest));
  return guests;
}

void record_guests(const GuestPoolResult& pool, const Guests& guests, bool jobs_given,
                   std::map<std::string, std::string>& env) {
  int boots = 0, reboots = 0, power_cuts = 0;
  std::string text;
  for (size_t i = 0; i < pool.guests.size(); ++i) {
    const GuestRecord& guest = pool.guests[i];
    boots += guest.boots;
    reboots += guest.reboots;
    power_cuts += guest.power_cuts;
    text += (text.empty() ? "" : "; ") + std::string("g") + std::to_string(i + 1) + ": " +
            std::to_string(guest.instances) + " instances, " + std::to_string(guest.boots) + " boots, " +
            std::to_string(guest.reboots) + " reboots, " + std::to_string(guest.power_cuts) + " power cuts, " +
            guest.console_log;
  }
  env["jobs"] = std::to_string(guests.jobs);
  env["jobs_rule"] =
      std::string(jobs_given ? "--jobs given" : "from the machine") + ": " + describe_job_limits(guests.limits);
  env["guests"] = text;
  env["boot_attempts"] = std::to_string(boots);
  env["reboots_after_guest_failure"] = std::to_string(reboots);
  env["power_cuts"] = std::to_string(power_cuts);
}

// What run.json says of the machine, the kernel and the guests.
void record_run(RunResult& run, const VmOptions& options, const GuestKernel& kernel, const Guests& guests,
                const GuestPoolResult& pool, double scale, double session_offset) {
  const QemuLaunch& launch = guests.launches.front();
  run.info.machine = "qemu-" + launch.accel;
  run.info.kernel_origin = kernel.origin;
  run.info.tool_version = DAXTORTURE_VERSION;
  auto& env = run.info.environment;
  env["kernel"] = kernel.label;
  env["kernel_image"] = kernel.image;
  env["profile"] = options.guest.profile;
  env["accelerator"] = launch.accel;
  env["qemu_command"] = join_command(qemu_argv(launch));
  record_guest_image(launch.image, env);
  env["timeout_scale"] = std::to_string(scale);
  record_guests(pool, guests, options.jobs > 0, env);
  if (options.shard)
    env["shard"] = std::to_string(options.shard->index) + "/" + std::to_string(options.shard->count);
  const GuestSessionOutcome& first_outcome = pool.guests.front().first;
  if (first_outcome.userspace_after_s >= 0)
    env["boot_to_userspace_s"] = std::to_string(first_outcome.userspace_after_s);
  if (double first = first_instance_after_s(pool.guests); first >= 0)
    env["command_to_first_instance_s"] = std::to_string(session_offset + first);
}

// The run's kernel coverage, from the counters each instance's folder holds.
// A failure here costs the coverage, never the verdicts: it becomes a note.
KernelCoverage kernel_coverage_of(const std::string& run_dir, const GuestKernel& kernel, RunResult& run, bool quiet) {
  CoverageInputs inputs;
  inputs.notes = kernel.coverage_notes;
  inputs.files = kCoverageFiles;
  inputs.title = kernel.origin.describe.empty() ? kernel.release : kernel.origin.describe;
  auto started = Clock::now();
  try {
    KernelCoverage coverage = collect_kernel_coverage(run_dir, inputs, run.instances, [&](size_t done, size_t total) {
      if (!quiet && (done % 20 == 0 || done == total))
        std::cerr << "daxtorture vm: kernel coverage: " << done << "/" << total << " instances read, "
                  << Progress::format_elapsed(seconds_since(started)) << std::endl;
    });
    return coverage;
  } catch (const std::exception& error) {
    KernelCoverage coverage;
    coverage.note = std::string("no kernel coverage: ") + error.what();
    std::cerr << "daxtorture vm: " << coverage.note << std::endl;
    return coverage;
  }
}

GuestPoolResult run_pool(const VmOptions& options, const std::vector<Instance>& expected, const Guests& guests,
                         const std::string& run_dir, const std::string& run_id, double scale,
                         const std::optional<ResumePlan>& resume, const std::vector<ExpectationFile>& expectations) {
  GuestPoolSettings settings;
  settings.run_dir = run_dir;
  settings.run_id = run_id;
  settings.instances = expected;
  settings.queue_order = queue_order(expected, guests.jobs);
  settings.injections = options.injections;
  settings.timeout_scale = scale;
  settings.hang_timeout_s = options.hang_timeout_s;
  settings.quiet = options.guest.quiet;
  settings.resumed = resume;
  settings.kernel_coverage = options.guest.coverage;
  KtapRelay relay(std::cout, [&expectations](const std::string& name, Status status) {
    return live_expectation_line(expectations, name, status);
  });
  relay.begin(expected.size());
  GuestsProgress guests_progress(expected.size(), guests.jobs, options.guest.quiet);
  return run_guest_pool(guests.launches, settings, relay, guests_progress);
}
}  // namespace

int run_vm(const VmOptions& options) {
  check_host_programs();
  auto wall_started = Clock::now();
  std::vector<Instance> expected = selected_instances(options);
  Progress progress(expected.size());
  if (geteuid() != 0)
    throw UsageError("'daxtorture vm' needs root (the guest writes results as root over 9p and "
                     "kernels are cached in /var/cache); run it with sudo");

  GuestKernel kernel = locate_guest_kernel(options.guest);
  MachineProfile profile = load_machine_profile(options.guest.profile);
  // Read before the boot: a malformed file must not cost a run.
  std::vector<ExpectationFile> expectations = expectations_covering(options.expectations, kernel.release, "vm");

  std::optional<ResumePlan> resume;
  std::string results = options.guest.results, run_id = options.guest.run_id;
  if (!options.resume.empty()) {
    run_id = fs::path(fs::absolute(options.resume)).lexically_normal().filename();
    results = fs::path(fs::absolute(options.resume)).lexically_normal().parent_path();
    resume = plan_resume(options.resume, kernel.release);
    if (resume->remaining.empty()) {
      std::cerr << "daxtorture vm: every instance in " << options.resume << " has a verdict; "
                << "nothing to resume\n";
      fs::rename(options.resume + "/.guest/previous-run.json", options.resume + "/run.json");
      return status_is_failure(overall_status(resume->previous)) ? 1 : 0;
    }
    expected = select_instances(resume->remaining);
    progress = Progress(expected.size());
  }

  if (run_id.empty()) run_id = default_run_id(kernel.release);
  std::string run_dir = fs::absolute(results + "/" + run_id);
  prepare_results_dir(run_dir);
  Guests guests = prepare_guests(options, kernel, profile, run_dir, expected.size());
  double scale = profile.timeout_scale(options.timeout_scale, guests.launches.front().accel);
  double session_offset = seconds_since(wall_started);
  if (!options.guest.quiet && guests.jobs > 1)
    std::cerr << "daxtorture vm: " << guests.jobs << " guests side by side (" << describe_job_limits(guests.limits)
              << ")" << std::endl;

  GuestPoolResult pool = run_pool(options, expected, guests, run_dir, run_id, scale, resume, expectations);
  RunResult run = pool.run;
  record_run(run, options, kernel, guests, pool, scale, session_offset);
  double wall = seconds_since(wall_started);
  run.info.environment["wall_time_s"] = std::to_string(wall);
  run.info.finished_at = utc_timestamp();
  run.info.duration_s = wall;
  if (options.guest.coverage) run.kernel_coverage = kernel_coverage_of(run_dir, kernel, run, options.guest.quiet);
  finish_run(run_dir, run, expectations, options.artifacts_url);
  reports::KtapWriter(std::cout).totals(run.instances);

  for (size_t guest = 0; guest < guests.launches.size(); ++guest)
    clean_up_guest_launch(guests.launches[guest], guest == 0 && !options.guest.nvdimm.empty());
  progress.summary(run);
  print_expectation_summary(run, "vm");
  // A run stopped before any instance began has no first-instance time.
  auto first = run.info.environment.find("command_to_first_instance_s");
  std::cerr << "daxtorture vm: wall time " << Progress::format_elapsed(wall) << " with " << guests.jobs
            << (guests.jobs == 1 ? " guest" : " guests")
            << (first == run.info.environment.end() ? "" : ", first instance after " + first->second + " s")
            << "; report: " << run_dir << "/report.html" << std::endl;
  if (!pool.init_fatal.empty()) {
    std::cerr << "daxtorture vm: " << pool.init_fatal << "\n";
    return 2;
  }
  if (pool.interrupted) return 130;
  return run_exit_status(run, expectations);
}

}  // namespace dt
