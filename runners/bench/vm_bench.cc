#include "runners/bench/vm_bench.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "reports/bench_json.h"
#include "runners/results/results_store.h"
#include "runners/vm/guest_launch.h"
#include "runners/kernel/kernel_locator.h"
#include "runners/vm/machine_profile.h"
#include "runners/vm/vm_options.h"

namespace fs = std::filesystem;

namespace dt {

const char* const kVmBenchHelp = R"(usage: daxtorture vm bench [OPTIONS] [--benchmark_NAME=VALUE ...]

Boots a kernel with the emulated NVDIMM (as 'daxtorture vm' does) and runs
the fault-latency benchmark 'daxtorture bench' inside it, on namespaces and
filesystems made there. The benchmark's table arrives on stdout; the Google
Benchmark JSON is written to RUN_DIR/bench.json on the host, with the kernel
release, accelerator, namespaces and mkfs options in its context block, and
the table to RUN_DIR/bench.txt.

clock:
  --clock icount|wall|auto
                         icount: the guest runs under QEMU's instruction
                         counting (-icount shift=0,sleep=on): its clocks
                         advance one virtual ns per executed guest
                         instruction, so every figure is
                         in virtual ns, the same on a loaded or a quiet host
                         (TCG only; sleep=on: idle time follows the host, and
                         a fault during which the CPU idled is refused). wall:
                         host time, as the guest sees it
                         (under TCG it includes QEMU's translation and every
                         host preemption). auto (default): icount under TCG,
                         wall under KVM. The JSON context records clock,
                         icount and smp. See docs/findings/*fault-latency-icount*
                         for what the virtual clock measures and cannot.
  --smp N                guest CPUs; default 1 under icount (a Debian 6.1
                         guest does not boot with 2 vCPUs under icount, and
                         with one vCPU nothing runs beside a fault), the
                         profile's cpus under wall. Under icount with one
                         vCPU the 2-thread cases are left out (two threads
                         on one CPU do not fault at the same time).

options (as for 'daxtorture vm'):
  --kernel-package NAME, --kernel IMAGE, --modules DIR, --tree DIR, --lean
  --results DIR, --run-id ID, --profile FILE, --accel auto|tcg|kvm,
  --nvdimm FILE, --quiet
  --inject FAULT         as for 'daxtorture bench' (fault_around, misaligned,
                         device_delay)
Google Benchmark options pass through to the guest, e.g.
  --benchmark_filter=REGEX        which benchmarks ('fsdax_xfs/4k/write')
  --benchmark_repetitions=N       repetitions (default 9, what --compare needs)

Compare two runs with 'daxtorture bench --compare OLD/bench.json NEW/bench.json'.
exit status: 0 every benchmark measured, 1 one reported an error (e.g. a
fault size that did not verify), 2 usage or environment error.
)";

namespace {
std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || !name[0]) return "unknown";
  return name;
}

struct VmBenchOptions {
  GuestOptions guest;
  std::string clock = "auto";
  int smp = 0;                      // 0: the default of the clock
  std::vector<std::string> passthrough;
};

int parse_smp(const std::string& text) {
  size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || n < 1 || n > 64)
    throw UsageError("--smp takes a CPU count from 1 to 64, not '" + text + "'");
  return n;
}

VmBenchOptions parse_options(Args& args) {
  VmBenchOptions o;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture vm bench' takes options only");
    if (parse_guest_option(args, *option, o.guest)) continue;
    if (*option == "--clock") o.clock = args.value(*option);
    else if (*option == "--smp") o.smp = parse_smp(args.value(*option));
    else if (*option == "--inject") {
      o.passthrough.push_back("--inject");
      o.passthrough.push_back(args.value(*option));
    } else if (option->rfind("--benchmark_", 0) == 0) o.passthrough.push_back(*option + "=" + args.value(*option));
    else unknown_option("vm bench", *option);
  }
  check_guest_options(o.guest);
  if (o.clock != "auto" && o.clock != "icount" && o.clock != "wall")
    throw UsageError("--clock takes icount, wall or auto, not '" + o.clock + "'");
  if (o.clock == "icount" && o.guest.accel == "kvm")
    throw UsageError("--clock icount needs TCG (QEMU counts instructions only when it translates "
                     "them); fix: --accel tcg, or --clock wall under KVM");
  return o;
}

// The clock once the accelerator is known: auto is icount under TCG.
std::string resolve_clock(const std::string& clock, const std::string& accel) {
  if (clock != "auto") return clock;
  return accel == "kvm" ? "wall" : "icount";
}

// The guest's command: the benchmark's console output goes to the second
// serial port, which the host copies to its stdout as it arrives.
std::string guest_script(const VmBenchOptions& o, const QemuLaunch& launch) {
  std::vector<std::string> argv = {kGuestBinary, "bench",
                                   "--vm-guest", launch.token,
                                   "--machine", "qemu-" + launch.accel,
                                   "--host-name", host_name(),
                                   "--out", "/run/daxtorture/results/bench.json"};
  if (launch.icount_shift >= 0) {
    argv.push_back("--icount");
    argv.push_back(icount_option(launch.icount_shift));
  }
  argv.insert(argv.end(), o.passthrough.begin(), o.passthrough.end());
  std::string script = "#!/bin/sh\n# written by 'daxtorture vm bench'; run by the guest's /init\ncd /\n";
  // A benchmark that crashes leaves its core in the run folder (DAX and
  // shared mappings stay out of it: the default coredump_filter).
  script += "ulimit -c unlimited; echo /run/daxtorture/results/core > /proc/sys/kernel/core_pattern\n";
  for (const auto& word : argv) script += shell_quote(word) + " ";
  return script + ">/dev/ttyS1\n";
}

// Exit status 1 means some rows refused to measure; their messages are in
// the table on stdout, among hundreds of rows. One line per benchmark here.
void say_refused_rows(const std::string& json) {
  try {
    for (const auto& line : reports::load_bench_json(json).refusals())
      std::cerr << "daxtorture vm bench: " << line << "\n";
  } catch (const std::exception& error) {
    std::cerr << "daxtorture vm bench: " << error.what() << "\n";
  }
}
}  // namespace

int vm_bench_main(Args& args) {
  VmBenchOptions options = parse_options(args);
  if (!program_available("qemu-system-x86_64"))
    throw UsageError("QEMU is not installed (no qemu-system-x86_64 in PATH); fix: apt-get install "
                     "qemu-system-x86, or run tools/setup");
  if (geteuid() != 0) throw UsageError("'daxtorture vm bench' needs root; run it with sudo");
  auto started = std::chrono::steady_clock::now();
  GuestKernel kernel = locate_guest_kernel(options.guest);
  MachineProfile profile = load_machine_profile(options.guest.profile);
  std::string run_id = options.guest.run_id.empty() ? default_run_id(kernel.release) + "-bench" : options.guest.run_id;
  std::string run_dir = fs::absolute(options.guest.results + "/" + run_id);
  prepare_results_dir(run_dir);
  if (options.smp) profile.cpus = options.smp;
  QemuLaunch launch = prepare_guest_launch(kernel, profile, run_dir, options.guest.nvdimm,
                                           options.clock == "icount" ? "tcg" : options.guest.accel,
                                           options.guest.quiet);
  const std::string clock = resolve_clock(options.clock, launch.accel);
  if (clock == "icount") {
    launch.icount_shift = 0;
    if (!options.smp) launch.profile.cpus = 1;
  }
  write_text_file(run_dir + "/.guest/run.sh", guest_script(options, launch));

  GuestSessionLimits limits;
  limits.deadline = std::chrono::seconds(1800);
  limits.silence = std::chrono::seconds(600);
  limits.show_progress = !options.guest.quiet;
  if (!options.guest.quiet)
    std::cerr << "daxtorture vm bench: booting " << kernel.release << " (" << kernel.label << ") under "
              << launch.accel << " with " << launch.profile.cpus << " vCPU(s), clock "
              << (clock == "icount" ? "icount (" + icount_option(launch.icount_shift) + ")" : clock)
              << ", results in " << run_dir << std::endl;
  int attempts = 0;
  GuestSessionOutcome outcome = boot_until_userspace(launch, run_dir + "/console.log", limits, attempts);
  clean_up_guest_launch(launch, !options.guest.nvdimm.empty());
  // The benchmark's own table, as it arrived on stdout, beside its JSON.
  std::error_code copy_error;
  fs::copy_file(launch.ktap_file, run_dir + "/bench.txt", fs::copy_options::overwrite_existing, copy_error);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const std::string json = run_dir + "/bench.json";
  std::cerr << "daxtorture vm bench: wall time " << wall << " s (boot to userspace "
            << outcome.userspace_after_s << " s); JSON: " << (fs::exists(json) ? json : "none written") << std::endl;
  if (!outcome.init_fatal.empty()) {
    std::cerr << "daxtorture vm bench: " << outcome.init_fatal << "\n";
    return 2;
  }
  if (!outcome.panic_line.empty()) std::cerr << "daxtorture vm bench: guest " << outcome.panic_line << "\n";
  if (outcome.interrupted) return 130;
  if (outcome.runner_exit_status < 0 || !fs::exists(json)) {
    std::cerr << "daxtorture vm bench: the guest stopped before the benchmark finished; see "
              << run_dir << "/console.log\n";
    return 2;
  }
  if (outcome.runner_exit_status == 1) say_refused_rows(json);
  return outcome.runner_exit_status;
}

}  // namespace dt
