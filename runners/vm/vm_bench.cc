#include "runners/vm/vm_bench.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/command.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "runners/results_store.h"
#include "runners/vm/guest_launch.h"
#include "runners/vm/kernel_locator.h"
#include "runners/vm/machine_profile.h"

namespace fs = std::filesystem;

namespace dt {

const char* const kVmBenchHelp = R"(usage: daxtorture vm bench [OPTIONS] [--benchmark_NAME=VALUE ...]

Boots a kernel with the emulated NVDIMM (as 'daxtorture vm' does) and runs
the fault-latency benchmark 'daxtorture bench' inside it, on namespaces and
filesystems made there. The benchmark's table arrives on stdout; the Google
Benchmark JSON is written to RUN_DIR/bench.json on the host, with the kernel
release, accelerator, namespaces and mkfs options in its context block, and
the table to RUN_DIR/bench.txt.

options (as for 'daxtorture vm'):
  --kernel-package NAME, --kernel IMAGE, --modules DIR
  --results DIR, --run-id ID, --profile FILE, --accel auto|tcg|kvm,
  --nvdimm FILE, --quiet
  --inject FAULT         as for 'daxtorture bench' (fault_around, misaligned)
Google Benchmark options pass through to the guest, e.g.
  --benchmark_filter=REGEX        which benchmarks ('fsdax_xfs/4k/write')
  --benchmark_repetitions=N       repetitions (default 9, what --compare needs)

Compare two runs with 'daxtorture bench --compare OLD/bench.json NEW/bench.json'.
exit status: 0 every benchmark measured, 1 one reported an error (e.g. a
fault size that did not verify), 2 usage or environment error.
)";

namespace {
struct VmBenchOptions {
  std::string kernel_package = "default";
  std::string kernel_image, modules, run_id, nvdimm;
  std::string results = "results";
  std::string profile = std::string(DAXTORTURE_SOURCE_DIR) + "/vm-configs/default.profile";
  std::string accel = "auto";
  bool quiet = false;
  std::vector<std::string> passthrough;
};

VmBenchOptions parse_options(Args& args) {
  VmBenchOptions o;
  while (!args.done()) {
    auto option = args.option();
    if (!option) throw UsageError("unexpected argument; 'daxtorture vm bench' takes options only");
    if (*option == "--kernel-package") o.kernel_package = args.value(*option);
    else if (*option == "--kernel") o.kernel_image = args.value(*option);
    else if (*option == "--modules") o.modules = args.value(*option);
    else if (*option == "--results") o.results = args.value(*option);
    else if (*option == "--run-id") o.run_id = args.value(*option);
    else if (*option == "--profile") o.profile = args.value(*option);
    else if (*option == "--accel") o.accel = args.value(*option);
    else if (*option == "--nvdimm") o.nvdimm = args.value(*option);
    else if (*option == "--quiet") o.quiet = true;
    else if (*option == "--inject") {
      o.passthrough.push_back("--inject");
      o.passthrough.push_back(args.value(*option));
    } else if (option->rfind("--benchmark_", 0) == 0) o.passthrough.push_back(*option + "=" + args.value(*option));
    else unknown_option("vm bench", *option);
  }
  if (o.accel != "auto" && o.accel != "tcg" && o.accel != "kvm")
    throw UsageError("--accel takes auto, tcg or kvm, not '" + o.accel + "'");
  if (!o.modules.empty() && o.kernel_image.empty()) throw UsageError("--modules goes with --kernel IMAGE");
  return o;
}

// The guest's command: the benchmark's console output goes to the second
// serial port, which the host copies to its stdout as it arrives.
std::string guest_script(const VmBenchOptions& o, const QemuLaunch& launch) {
  std::vector<std::string> argv = {kGuestBinary, "bench",
                                   "--vm-guest", launch.token,
                                   "--machine", "qemu-" + launch.accel,
                                   "--out", "/run/daxtorture/results/bench.json"};
  argv.insert(argv.end(), o.passthrough.begin(), o.passthrough.end());
  std::string script = "#!/bin/sh\n# written by 'daxtorture vm bench'; run by the guest's /init\ncd /\n";
  for (const auto& word : argv) script += shell_quote(word) + " ";
  return script + ">/dev/ttyS1\n";
}
}  // namespace

int vm_bench_main(Args& args) {
  VmBenchOptions options = parse_options(args);
  if (!program_available("qemu-system-x86_64"))
    throw UsageError("QEMU is not installed (no qemu-system-x86_64 in PATH); fix: apt-get install "
                     "qemu-system-x86, or run tools/setup");
  if (geteuid() != 0) throw UsageError("'daxtorture vm bench' needs root; run it with sudo");
  auto started = std::chrono::steady_clock::now();
  GuestKernel kernel = options.kernel_image.empty() ? locate_debian_kernel(options.kernel_package)
                                                    : locate_kernel_image(options.kernel_image, options.modules);
  require_pmem_support(kernel);
  MachineProfile profile = load_machine_profile(options.profile);
  std::string run_id = options.run_id.empty() ? default_run_id(kernel.release) + "-bench" : options.run_id;
  std::string run_dir = fs::absolute(options.results + "/" + run_id);
  prepare_results_dir(run_dir);
  QemuLaunch launch = prepare_guest_launch(kernel, profile, run_dir, options.nvdimm, options.accel, options.quiet);
  write_text_file(run_dir + "/.guest/run.sh", guest_script(options, launch));

  GuestSessionLimits limits;
  limits.deadline = std::chrono::seconds(1800);
  limits.silence = std::chrono::seconds(600);
  limits.show_progress = !options.quiet;
  if (!options.quiet)
    std::cerr << "daxtorture vm bench: booting " << kernel.release << " (" << kernel.label << ") under "
              << launch.accel << ", results in " << run_dir << std::endl;
  int attempts = 0;
  GuestSessionOutcome outcome = boot_until_userspace(launch, run_dir + "/console.log", limits, attempts);
  clean_up_guest_launch(launch, !options.nvdimm.empty());
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
  return outcome.runner_exit_status;
}

}  // namespace dt
