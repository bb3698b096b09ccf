#include "runners/vm/vm_command.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "core/command.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "reports/ktap.h"
#include "runners/results/expectations.h"
#include "runners/results/progress.h"
#include "runners/results/report_files.h"
#include "runners/results/results_store.h"
#include "runners/results/run_finish.h"
#include "runners/plan/shard.h"
#include "runners/vm/guest_launch.h"
#include "runners/vm/guest_pool.h"
#include "runners/vm/job_count.h"
#include "runners/vm/ktap_relay.h"
#include "runners/vm/machine_profile.h"
#include "runners/vm/resume.h"
#include "runners/bench/vm_bench.h"
#include "runners/vm/vm_options.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
const std::string kVmHelpText = std::string(R"(usage: daxtorture vm [OPTIONS]
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

)") + kGuestKernelHelp + "\n" + R"(run:
  -t, --test PATTERN     instances to run (as for 'daxtorture run'; repeatable)
  --jobs J               J guests side by side, each with its own NVDIMM
                         backing file, feeding one run folder, one KTAP stream
                         and one report; they take the instances one at a
                         time from a shared queue (longest expected first),
                         so they finish close together, and a crash or hang
                         in one costs only the instance it was running (that
                         guest boots again and goes on). Default: the largest
                         J that this machine's cores, memory and disk all
                         allow, never more than the instances: one core per
                         guest under single-threaded TCG (the profile's cpus
                         under KVM or multi-threaded TCG), MemAvailable over
                         the guest's RAM + nvdimm_size + 512 MiB for QEMU,
                         and free disk under --results over nvdimm_size; 1
                         with --nvdimm. A given J is refused before anything
                         boots, naming the J that fits, when the guests' RAM
                         (+ 512 MiB each) or their NVDIMM files do not fit;
                         when only their NVDIMMs overflow the memory, it
                         runs with a warning (NVDIMM pages are page cache,
                         written back to their files under pressure).
)" +
                                kGuestMachineHelp + R"(  --timeout-scale X      multiply workload timeouts (default from the profile)
  --hang-timeout SECONDS an instance with no result this long after it
                         started, or a guest silent this long, is hung: its
                         blocked tasks are dumped (sysrq w, l) to the
                         console, then it is killed and booted again; a
                         chatty console does not hide a hang (default: each
                         instance's scaled timeout + 60 s; silence: the
                         longest instance timeout + 3 min)
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
  --artifacts-url URL    where the run folder will be published, for the
                         log_url and output_files of kcidb.json (default:
                         file:// URLs of the run folder)

files in the run folder: run.json, report.html, junit.xml, kcidb.json,
results.ktap, console.log (console-gN.log: guest N of --jobs), instances/*/
(output, dmesg slice, instance.json).
)";
}  // namespace

const char* const kVmHelp = kVmHelpText.c_str();

namespace {
struct VmOptions {
  GuestOptions guest;
  std::vector<std::string> patterns;
  double timeout_scale = 0;
  long hang_timeout_s = 0;
  std::vector<std::string> injections;
  int repeat = 1;
  int jobs = 0;  // 0: from the machine
  std::optional<Shard> shard;
  std::string resume;
  std::string artifacts_url;
  std::string expectations = std::string(DAXTORTURE_SOURCE_DIR) + "/vm-configs/expectations";
};

VmOptions parse_options(Args& args) {
  VmOptions options;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture vm' takes options only");
    if (parse_guest_option(args, *option, options.guest)) continue;
    if (*option == "-t" || *option == "--test") options.patterns.push_back(args.value(*option));
    else if (*option == "--inject") options.injections.push_back(args.value(*option));
    else if (*option == "--resume") options.resume = args.value(*option);
    else if (*option == "--hang-timeout") options.hang_timeout_s = static_cast<long>(args.positive_number(*option));
    else if (*option == "--repeat") options.repeat = static_cast<int>(args.positive_number(*option));
    else if (*option == "--jobs") options.jobs = parse_jobs(args.value(*option));
    else if (*option == "--shard") options.shard = parse_shard(args.value(*option));
    else if (*option == "--expectations") options.expectations = args.value(*option);
    else if (*option == "--no-expectations") options.expectations.clear();
    else if (*option == "--artifacts-url") options.artifacts_url = args.value(*option);
    else if (*option == "--timeout-scale") options.timeout_scale = args.positive_decimal(*option);
    else unknown_option("vm", *option);
  }
  check_guest_options(options.guest);
  if (!options.resume.empty() && (!options.patterns.empty() || options.repeat > 1 || !options.guest.run_id.empty() ||
                                  options.shard))
    throw UsageError("--resume takes the instances, repetitions, shard and run id of the run it resumes; "
                     "drop -t, --repeat, --shard and --run-id");
  if (options.jobs > 1 && !options.guest.nvdimm.empty())
    throw UsageError("--nvdimm names one backing file, but each of the --jobs " + std::to_string(options.jobs) +
                     " guests needs its own; fix: drop --nvdimm (each guest gets a new file), or --jobs 1");
  return options;
}

void record_guests(const GuestPoolResult& pool, int jobs, const JobLimits& limits, bool jobs_given,
                   std::map<std::string, std::string>& env) {
  int boots = 0, reboots = 0, power_cuts = 0;
  std::string guests;
  for (size_t i = 0; i < pool.guests.size(); ++i) {
    const GuestRecord& guest = pool.guests[i];
    boots += guest.boots;
    reboots += guest.reboots;
    power_cuts += guest.power_cuts;
    guests += (guests.empty() ? "" : "; ") + std::string("g") + std::to_string(i + 1) + ": " +
              std::to_string(guest.instances) + " instances, " + std::to_string(guest.boots) + " boots, " +
              std::to_string(guest.reboots) + " reboots, " + std::to_string(guest.power_cuts) + " power cuts, " +
              guest.console_log;
  }
  env["jobs"] = std::to_string(jobs);
  env["jobs_rule"] = std::string(jobs_given ? "--jobs given" : "from the machine") + ": " + describe_job_limits(limits);
  env["guests"] = guests;
  env["boot_attempts"] = std::to_string(boots);
  env["reboots_after_guest_failure"] = std::to_string(reboots);
  env["power_cuts"] = std::to_string(power_cuts);
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
    // The guests run exactly this part: its names, repetitions included.
    expected = shard_instances(expected, *options.shard);
    if (expected.empty())
      throw UsageError("--shard " + std::to_string(options.shard->index) + "/" + std::to_string(options.shard->count) +
                       " holds no instance: the selection has fewer instances than parts; fix: fewer parts");
  }
  validate_injections(options.injections, expected);
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
  // Whether J guests fit, before anything boots (the accelerator is not
  // known yet; memory and disk do not depend on it).
  HostResources host = probe_host_resources(run_dir);
  std::string memory_warning = check_jobs_fit(options.jobs, job_limits(host, profile, options.guest.accel), run_dir);
  if (!memory_warning.empty()) std::cerr << "daxtorture vm: warning: " << memory_warning << std::endl;
  QemuLaunch launch = prepare_guest_launch(kernel, profile, run_dir, options.guest.nvdimm, options.guest.accel,
                                           options.guest.quiet);
  JobLimits limits = job_limits(host, profile, launch.accel);
  int jobs = options.jobs > 0 ? options.jobs : options.guest.nvdimm.empty() ? limits.best() : 1;
  jobs = std::max(1, std::min(jobs, static_cast<int>(expected.size())));
  std::vector<QemuLaunch> launches = {launch};
  for (int guest = 2; guest <= jobs; ++guest) launches.push_back(launch_for_guest(launch, guest));
  double scale = profile.timeout_scale(options.timeout_scale, launch.accel);
  double session_offset =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_started).count();
  if (!options.guest.quiet && jobs > 1)
    std::cerr << "daxtorture vm: " << jobs << " guests side by side (" << describe_job_limits(limits) << ")"
              << std::endl;

  GuestPoolSettings settings;
  settings.run_dir = run_dir;
  settings.run_id = run_id;
  settings.instances = expected;
  settings.queue_order = queue_order(expected, jobs);
  settings.injections = options.injections;
  settings.timeout_scale = scale;
  settings.hang_timeout_s = options.hang_timeout_s;
  settings.quiet = options.guest.quiet;
  settings.resumed = resume;
  KtapRelay relay(std::cout, [&expectations](const std::string& name, Status status) {
    return live_expectation_line(expectations, name, status);
  });
  relay.begin(expected.size());
  GuestsProgress guests_progress(expected.size(), jobs, options.guest.quiet);
  GuestPoolResult pool = run_guest_pool(launches, settings, relay, guests_progress);
  RunResult run = pool.run;

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
  record_guests(pool, jobs, limits, options.jobs > 0, env);
  if (options.shard)
    env["shard"] = std::to_string(options.shard->index) + "/" + std::to_string(options.shard->count);
  const GuestSessionOutcome& first_outcome = pool.guests.front().first;
  if (first_outcome.userspace_after_s >= 0)
    env["boot_to_userspace_s"] = std::to_string(first_outcome.userspace_after_s);
  if (first_outcome.first_instance_after_s >= 0)
    env["command_to_first_instance_s"] = std::to_string(session_offset + first_outcome.first_instance_after_s);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_started).count();
  env["wall_time_s"] = std::to_string(wall);
  run.info.finished_at = utc_timestamp();
  run.info.duration_s = wall;
  finish_run(run_dir, run, expectations, options.artifacts_url);
  reports::KtapWriter(std::cout).totals(run.instances);

  for (size_t guest = 0; guest < launches.size(); ++guest)
    clean_up_guest_launch(launches[guest], guest == 0 && !options.guest.nvdimm.empty());
  progress.summary(run);
  print_expectation_summary(run, "vm");
  std::cerr << "daxtorture vm: wall time " << Progress::format_elapsed(wall) << " with " << jobs
            << (jobs == 1 ? " guest" : " guests") << ", first instance after "
            << env["command_to_first_instance_s"] << " s; report: " << run_dir << "/report.html" << std::endl;
  if (!pool.init_fatal.empty()) {
    std::cerr << "daxtorture vm: " << pool.init_fatal << "\n";
    return 2;
  }
  if (pool.interrupted) return 130;
  return run_exit_status(run, expectations);
}

}  // namespace dt
