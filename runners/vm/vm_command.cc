#include "runners/vm/vm_command.h"

#include <string>

#include "core/errors.h"
#include "runners/bench/vm_bench.h"
#include "runners/plan/shard.h"
#include "runners/vm/job_count.h"
#include "runners/vm/vm_options.h"
#include "runners/vm/vm_run.h"

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
  --coverage             kernel coverage of the DAX code (fs/dax.c, drivers/dax,
                         the DAX paths of mm/, io_uring/rsrc.c, XFS and ext4;
                         runners/kernel/coverage_objects.h), per run and per
                         instance: with --tree, the tree is built with gcov
                         ('daxtorture build --coverage'); the counters are
                         zeroed before each instance and read after it.
                         Writes coverage/html/ (genhtml), coverage/kernel.info
                         (lcov), kernel_coverage in run.json and each
                         instance's kernel_functions_reached
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
    else if (*option == "--coverage") options.guest.coverage = true;
    else unknown_option("vm", *option);
  }
  check_guest_options(options.guest);
  if (options.guest.coverage && options.guest.tree.empty() && options.guest.kernel_image.empty())
    throw UsageError("--coverage needs a kernel built with gcov, and Debian's packages are not; fix: "
                     "--tree DIR --coverage (builds one from your tree), or --kernel ENTRY/bzImage of a "
                     "'daxtorture build --tree DIR --coverage'");
  if (!options.resume.empty() && (!options.patterns.empty() || options.repeat > 1 || !options.guest.run_id.empty() ||
                                  options.shard))
    throw UsageError("--resume takes the instances, repetitions, shard and run id of the run it resumes; "
                     "drop -t, --repeat, --shard and --run-id");
  if (options.jobs > 1 && !options.guest.nvdimm.empty())
    throw UsageError("--nvdimm names one backing file, but each of the --jobs " + std::to_string(options.jobs) +
                     " guests needs its own; fix: drop --nvdimm (each guest gets a new file), or --jobs 1");
  return options;
}

}  // namespace

int vm_main(Args& args) {
  if (!args.done() && !args.next_is_option()) {
    std::string word = args.positional();
    if (word == "bench") return vm_bench_main(args);
    throw UsageError("unexpected argument '" + word + "'; 'daxtorture vm' takes options, or 'bench' "
                     "first for the fault-latency benchmark");
  }
  return run_vm(parse_options(args));
}

}  // namespace dt
