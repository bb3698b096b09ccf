#include "runners/lava/lava_command.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include "core/command.h"
#include "core/data_path.h"
#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "runners/lava/collect.h"
#include "runners/lava/guest_reporter.h"
#include "runners/lava/job_artifacts.h"
#include "runners/lava/job_writer.h"
#include "runners/plan/shard.h"
#include "runners/vm/guest_image.h"
#include "runners/kernel/kernel_locator.h"
#include "runners/vm/machine_profile.h"

namespace fs = std::filesystem;

namespace dt {

const char* const kLavaHelp = R"(usage: daxtorture lava [OPTIONS]
       daxtorture lava --collect JOB_LOG... [--out RUN_DIR]

Writes LAVA job definitions that run the suite on a farm: one job per kernel
and shard, for LAVA's 'qemu' device type. Each job downloads two files, the
kernel and the guest image that 'daxtorture vm' boots (this binary, the
programs and modules it runs in the guest, nothing else), boots them in the
worker's QEMU with an emulated NVDIMM (context.extra_options), and runs its
shard in the guest: every instance becomes a LAVA test case (pass, fail or
skip; measurement: its duration in seconds), and its files (instance.json,
output.txt, dmesg.txt, ...) are printed in the job log, checksummed, so that
--collect can rebuild the run folder from the logs alone. Every job is
checked with LAVA's own schema (lava_common.schemas.validate(job,
strict=True), run by /usr/bin/python3) before it is written; an invalid
one is not written.

writing jobs:
  --kernel-package NAME  a Debian kernel package or a set-up alias (default,
                         6.12, 6.1); repeatable: one set of jobs per kernel
  --kernel IMAGE         a bzImage you built (with --modules DIR)
  --modules DIR          its modules (as for 'daxtorture vm')
  -t, --test PATTERN     instances to run (as for 'daxtorture run'; repeatable;
                         default: the default set)
  --shards N             split each kernel's selection into N jobs (the
                         parts of 'daxtorture vm --shard K/N')
  --shard K/N            write part K of N only
  --artifacts-url BASE   where the folder OUT/artifacts will be served from
                         (default: file:// of that folder, for a local
                         lava-run); job URLs are BASE/NAME
  --out DIR              where to write (default: lava-jobs): DIR/*.yaml,
                         DIR/artifacts/ (kernel and image, named by content,
                         with SHA256SUMS), DIR/validation.txt
  --profile FILE         machine profile (default: vm-configs/default.profile)
  --accel tcg|kvm        tcg (default): the job sets no_kvm, as on a worker
                         without /dev/kvm; kvm: the device type's KVM options
  --timeout-scale X      multiply workload timeouts (default from the profile
                         for the accelerator); the job's timeouts follow
  --nvdimm-dir DIR       folder on the worker where QEMU makes the NVDIMM's
                         backing file (sparse, unlinked at once; default
                         /var/tmp; needs room for what the guest writes)
  --template FILE        the job template (default vm-configs/lava/job.yaml.in):
                         a lab's copy with its own tags, priority or
                         notifications; @@KEY@@ words are filled in

collecting:
  --collect              the arguments are finished job logs: lava-run's log
                         (its stderr) or a lab's output.yaml ('lavacli jobs
                         logs --raw JOB'); several logs must be the shards of
                         one set (same kernel, selection and N, each once)
  --out RUN_DIR          the run folder to write (default: results/RUN_ID,
                         RUN_ID-shard-K-of-N for one shard of several); it
                         must not hold a run already
  --expectations PATH    known failures (default: vm-configs/expectations)
  --no-expectations      judge every failure as new
  --artifacts-url URL    where the run folder will be published (kcidb.json)

The run folder holds run.json, report.html, junit.xml, kcidb.json,
results.ktap, console.log (the guest consoles) and instances/*/. A job that
ended early (cancelled, timed out, a guest that died) keeps the instances
that finished; the others are BROKEN with "no verdict" and the message says
so. Files that did not arrive intact in a log are listed, never used.

  daxtorture lava guest ...   the command a job runs in the guest (internal)

exit status (writing): 0 written and valid, 2 usage error or an invalid job.
exit status (collecting): as 'daxtorture vm': 1 when an instance failed (a
new failure, with expectations) or has no verdict.
)";

namespace {
struct LavaOptions {
  std::vector<std::string> kernel_packages;
  std::string kernel_image;
  std::string modules;
  std::vector<std::string> patterns;
  int shards = 1;
  std::optional<Shard> shard;
  std::string artifacts_url;
  std::string out;
  std::string profile = data_path("vm-configs/default.profile");
  std::string accel = "tcg";
  double timeout_scale = 0;
  std::string nvdimm_dir = "/var/tmp";
  std::string job_template = data_path("vm-configs/lava/job.yaml.in");
  bool collect = false;
  std::vector<std::string> logs;
  std::string expectations = data_path("vm-configs/expectations");
};

LavaOptions parse_options(Args& args) {
  LavaOptions options;
  while (!args.done()) {
    if (!args.next_is_option()) {
      options.logs.push_back(args.positional());
      continue;
    }
    auto option = *args.option();
    if (option == "--kernel-package") options.kernel_packages.push_back(args.value(option));
    else if (option == "--kernel") options.kernel_image = args.value(option);
    else if (option == "--modules") options.modules = args.value(option);
    else if (option == "-t" || option == "--test") options.patterns.push_back(args.value(option));
    else if (option == "--shards") options.shards = static_cast<int>(args.positive_number(option));
    else if (option == "--shard") options.shard = parse_shard(args.value(option));
    else if (option == "--artifacts-url") options.artifacts_url = args.value(option);
    else if (option == "--out") options.out = args.value(option);
    else if (option == "--profile") options.profile = args.value(option);
    else if (option == "--accel") options.accel = args.value(option);
    else if (option == "--nvdimm-dir") options.nvdimm_dir = args.value(option);
    else if (option == "--template") options.job_template = args.value(option);
    else if (option == "--collect") options.collect = true;
    else if (option == "--expectations") options.expectations = args.value(option);
    else if (option == "--no-expectations") options.expectations.clear();
    else if (option == "--timeout-scale") options.timeout_scale = args.positive_decimal(option);
    else unknown_option("lava", option);
  }
  if (options.collect) {
    if (options.logs.empty())
      throw UsageError("--collect needs the finished jobs' logs; fix: daxtorture lava --collect JOB.log... "
                       "(lava-run's stderr, or 'lavacli jobs logs --raw JOB')");
    if (!options.kernel_packages.empty() || !options.kernel_image.empty() || !options.patterns.empty() ||
        options.shard || options.shards != 1)
      throw UsageError("--collect reads the kernel, selection and shard from the logs; drop --kernel-package, "
                       "--kernel, -t, --shard and --shards");
    return options;
  }
  if (!options.logs.empty())
    throw UsageError("unexpected argument '" + options.logs.front() + "'; job logs go with --collect");
  if (options.shard && options.shards != 1)
    throw UsageError("--shard K/N writes one part, --shards N all N parts; give one of them");
  if (options.accel != "tcg" && options.accel != "kvm")
    throw UsageError("--accel takes tcg or kvm, not '" + options.accel + "'");
  if (!options.modules.empty() && options.kernel_image.empty()) throw UsageError("--modules goes with --kernel IMAGE");
  if (!options.kernel_image.empty() && !options.kernel_packages.empty())
    throw UsageError("--kernel and --kernel-package both name the kernel; give one kind (--kernel-package repeats)");
  if (options.kernel_image.empty() && options.kernel_packages.empty()) options.kernel_packages.push_back("default");
  if (options.nvdimm_dir.empty() || options.nvdimm_dir[0] != '/')
    throw UsageError("--nvdimm-dir takes an absolute folder on the worker, not '" + options.nvdimm_dir + "'");
  if (options.out.empty()) options.out = "lava-jobs";
  return options;
}

std::string lava_python() {
  // lava_common is a Debian package: its python, whatever python3 PATH finds.
  const std::string python = "/usr/bin/python3";
  if (!fs::exists(python))
    throw UsageError("/usr/bin/python3 is missing, which LAVA's schemas need; fix: apt-get install python3");
  return python;
}

// Every job file against LAVA's schema; the validator's output is kept in
// OUT/validation.txt. Returns false (and prints why) when one is invalid.
bool validate_jobs(const std::vector<std::string>& files, const std::string& scratch, const std::string& out) {
  std::vector<std::string> argv = {lava_python(), data_path("runners/lava/validate-job.py")};
  argv.insert(argv.end(), files.begin(), files.end());
  CommandResult checked = run_command(argv, std::chrono::seconds(300));
  if (checked.exit_status == 2)
    throw UsageError("cannot validate the jobs: " + checked.output.substr(0, checked.output.find('\n')));
  // The files are checked before they move out of the scratch folder; the
  // record names them where they end up.
  std::string record;
  size_t at = 0;
  for (size_t found; (found = checked.output.find(scratch, at)) != std::string::npos; at = found + scratch.size())
    record += checked.output.substr(at, found - at) + out;
  record += checked.output.substr(at);
  write_text_file(out + "/validation.txt", record);
  std::cerr << record;
  return checked.exit_status == 0;
}

int write_jobs(const LavaOptions& options) {
  MachineProfile profile = load_machine_profile(options.profile);
  double scale = profile.timeout_scale(options.timeout_scale, options.accel);
  std::vector<Instance> selected = select_instances(options.patterns);
  if (selected.empty()) throw UsageError("the selection holds no instance; fix: check -t with 'daxtorture list'");
  std::vector<Shard> shards;
  if (options.shard) shards.push_back(*options.shard);
  else
    for (int k = 1; k <= options.shards; ++k) shards.push_back({k, options.shards});

  std::vector<GuestKernel> kernels;
  if (!options.kernel_image.empty()) kernels.push_back(locate_kernel_image(options.kernel_image, options.modules));
  for (const auto& package : options.kernel_packages) kernels.push_back(locate_debian_kernel(package));
  auto template_text = read_text_file(options.job_template);
  if (!template_text)
    throw UsageError("cannot read the LAVA job template " + options.job_template +
                     "; fix: name a readable file (default: vm-configs/lava/job.yaml.in)");

  const std::string out = fs::absolute(options.out).lexically_normal().string();
  const std::string artifacts = out + "/artifacts";
  const std::string base_url = options.artifacts_url.empty() ? "file://" + artifacts : options.artifacts_url;
  // Written to a scratch folder first: a job that fails validation never
  // lands beside the valid ones.
  const std::string scratch = out + "/.unchecked-" + std::to_string(getpid());
  make_directories(scratch);
  struct RemoveScratch {
    std::string path;
    ~RemoveScratch() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } remove_scratch{scratch};
  std::vector<std::pair<std::string, std::string>> written;  // scratch file, final name
  for (const auto& kernel : kernels) {
    require_pmem_support(kernel);
    GuestImage image = prepare_guest_image(kernel, true);
    lava::JobPlan plan;
    plan.kernel = kernel;
    plan.kernel_file = lava::publish_artifact(kernel.image, artifacts, "vmlinuz-" + kernel.release, "", base_url);
    plan.image_file = lava::publish_artifact(image.path, artifacts, "guest-image", ".cpio", base_url);
    plan.profile = profile;
    plan.accel = options.accel;
    plan.timeout_scale = scale;
    plan.nvdimm_dir = options.nvdimm_dir;
    plan.patterns = options.patterns;
    plan.run_id = "lava-" + kernel.release;
    for (const auto& shard : shards) {
      plan.shard = shard;
      plan.instances = shard_instances(selected, shard);
      if (plan.instances.empty())
        throw UsageError("shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                         " holds no instance: the selection has fewer instances than parts; fix: fewer --shards");
      const std::string name = lava::job_name(plan) + ".yaml";
      write_text_file(scratch + "/" + name, lava::job_definition(plan, *template_text));
      written.emplace_back(scratch + "/" + name, name);
      lava::JobTimeouts timeouts = lava::job_timeouts(plan);
      std::cerr << "daxtorture lava: " << name << ": " << plan.instances.size() << " instances, test timeout "
                << timeouts.test_minutes << " min, job " << timeouts.job_minutes << " min" << std::endl;
    }
  }
  std::vector<std::string> files;
  for (const auto& [file, name] : written) files.push_back(file);
  if (!validate_jobs(files, scratch, out)) {
    std::cerr << "daxtorture lava: LAVA's schema refused a job (above); none was written. fix: check "
                 "vm-configs/lava/job.yaml.in against the lava-common version named above\n";
    return 2;
  }
  for (const auto& [file, name] : written) fs::rename(file, out + "/" + name);
  std::cerr << "daxtorture lava: " << written.size() << " jobs in " << out << "; upload " << artifacts
            << "/ to " << base_url << ", then 'lavacli jobs submit JOB.yaml'" << std::endl;
  return 0;
}
}  // namespace

int lava_main(Args& args) {
  if (!args.done() && !args.next_is_option()) {
    // 'daxtorture lava guest': inside the job's guest.
    Args peek = args;
    if (peek.positional() == "guest") {
      args.positional();
      return lava::guest_main(args);
    }
  }
  LavaOptions options = parse_options(args);
  if (options.collect) return lava::collect_main(options.logs, options.out, options.expectations, options.artifacts_url);
  return write_jobs(options);
}

}  // namespace dt
