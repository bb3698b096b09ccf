#include "runners/lava/job_writer.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/errors.h"
#include "core/sha256.h"
#include "runners/plan/budget.h"
#include "runners/wire/lava_console.h"
#include "runners/vm/guest_image.h"
#include "runners/vm/guest_launch.h"
#include "runners/vm/qemu_command.h"

namespace dt::lava {

namespace {
long minutes(double seconds) { return static_cast<long>(std::ceil(seconds / 60)); }

std::string mebibytes(uint64_t bytes) { return std::to_string(bytes >> 20) + "M"; }

std::string shard_text(const Shard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

// The NVDIMM and machine as the local 'daxtorture vm' run has them
// (runners/vm/qemu_command.cc), for the qemu device type's extra options.
// The backing file: mem-path naming a folder makes QEMU create a fresh file
// there and unlink it, so every job starts from a blank NVDIMM and leaves
// nothing behind on the worker.
std::vector<std::string> extra_options(const JobPlan& plan) {
  const MachineProfile& profile = plan.profile;
  std::vector<std::string> options = {"-machine pc,nvdimm=on", "-smp " + std::to_string(profile.cpus)};
  if (plan.accel == "tcg") {
    options.push_back("-cpu " + profile.cpu);
    options.push_back("-accel tcg,thread=" + profile.tcg_thread);
  }
  options.push_back("-object memory-backend-file,id=nvmem0,share=on,mem-path=" + plan.nvdimm_dir +
                    ",size=" + mebibytes(profile.nvdimm_size) + ",align=" + mebibytes(profile.nvdimm_align));
  options.push_back("-device nvdimm,memdev=nvmem0,id=nvdimm0,label-size=" +
                    std::to_string(profile.nvdimm_label_size >> 10) + "K");
  // A panic ends QEMU (panic=-1 on the command line) instead of a reboot
  // into a second, unexpected boot the job would wait at.
  options.push_back("-no-reboot");
  return options;
}

// Proves to the guest runner that it owns this NVDIMM (as daxtorture vm's
// random token does); derived from the job so the job file is reproducible.
std::string job_token(const JobPlan& plan) { return sha256_hex(job_name(plan) + plan.run_id).substr(0, 16); }

std::string kernel_arg(const JobPlan& plan) {
  QemuLaunch launch;
  launch.profile = plan.profile;
  launch.token = job_token(plan);
  return "-kernel {kernel} -append \"" + guest_kernel_cmdline(launch) + " daxtorture.shell=1\"";
}

std::string guest_step(const JobPlan& plan) {
  char scale[32];
  snprintf(scale, sizeof scale, "%g", plan.timeout_scale);
  std::vector<std::string> argv = {kGuestBinary, "lava", "guest", "--token", job_token(plan),
                                   "--run-id", plan.run_id, "--timeout-scale", scale,
                                   "--machine", "lava-qemu-" + plan.accel,
                                   "--shard", shard_text(plan.shard)};
  if (!plan.kernel.config.empty()) {
    // The image holds the kernel's config at its host path.
    argv.push_back("--kernel-config");
    argv.push_back(std::filesystem::absolute(plan.kernel.config).string());
  }
  for (const auto& pattern : plan.patterns) {
    argv.push_back("-t");
    argv.push_back(pattern);
  }
  // Quoted only where the shell would change the word (a glob, a space),
  // so that the step reads as a command in the lab's job view.
  auto plain = [](const std::string& word) {
    return !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                   "0123456789/._-+:=,") == std::string::npos;
  };
  std::string step;
  for (const auto& word : argv) step += (step.empty() ? "" : " ") + (plain(word) ? word : shell_quote(word));
  return step;
}
}  // namespace

std::string yaml_quote(const std::string& text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c == '"') quoted += "\\\"";
    else if (c == '\\') quoted += "\\\\";
    else if (c == '\n') quoted += "\\n";
    else if (c == '\t') quoted += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char escape[8];
      snprintf(escape, sizeof escape, "\\x%02x", c);
      quoted += escape;
    } else quoted += static_cast<char>(c);
  }
  return quoted + "\"";
}

JobTimeouts job_timeouts(const JobPlan& plan) {
  double test_seconds = budget::run_deadline_seconds(plan.instances, plan.timeout_scale);
  JobTimeouts timeouts;
  // Download of kernel and image, and the test overlay that LAVA builds
  // with libguestfs (a helper VM of its own: about a minute under TCG).
  timeouts.deploy_minutes = 10;
  // The kernel unpacking the image and /init loading modules: ~30 s under TCG.
  timeouts.boot_minutes = 5;
  timeouts.test_minutes = minutes(test_seconds);
  timeouts.job_minutes = timeouts.deploy_minutes + timeouts.boot_minutes + timeouts.test_minutes + 5;
  return timeouts;
}

std::string job_name(const JobPlan& plan) {
  return "daxtorture-" + plan.kernel.release + "-shard-" + std::to_string(plan.shard.index) + "-of-" +
         std::to_string(plan.shard.count);
}

std::string fill_template(const std::string& template_text, const std::map<std::string, std::string>& scalars,
                          const std::map<std::string, std::vector<std::string>>& lists) {
  std::istringstream lines(template_text);
  std::string line, out;
  size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    size_t indent = line.find_first_not_of(' ');
    // Comments are the template's own documentation, copied as they are.
    if (indent != std::string::npos && line[indent] == '#') {
      out += line + "\n";
      continue;
    }
    if (indent != std::string::npos && line.compare(indent, 2, "@@") == 0 &&
        line.size() > indent + 4 && line.compare(line.size() - 2, 2, "@@") == 0) {
      std::string key = line.substr(indent + 2, line.size() - indent - 4);
      auto list = lists.find(key);
      if (list != lists.end()) {
        for (const auto& item : list->second) out += line.substr(0, indent) + "- " + yaml_quote(item) + "\n";
        continue;
      }
    }
    std::string filled;
    size_t at = 0;
    for (;;) {
      size_t open = line.find("@@", at);
      if (open == std::string::npos) break;
      size_t close = line.find("@@", open + 2);
      if (close == std::string::npos) break;
      std::string key = line.substr(open + 2, close - open - 2);
      auto scalar = scalars.find(key);
      if (scalar == scalars.end())
        throw SetupError("LAVA job template line " + std::to_string(number) + " names @@" + key +
                         "@@, which this daxtorture does not fill; fix: use the vm-configs/lava/job.yaml.in "
                         "of this version");
      filled += line.substr(at, open - at) + scalar->second;
      at = close + 2;
    }
    out += filled + line.substr(at) + "\n";
  }
  return out;
}

std::string job_definition(const JobPlan& plan, const std::string& template_text) {
  JobTimeouts timeouts = job_timeouts(plan);
  std::string selection;
  for (const auto& pattern : plan.patterns) selection += (selection.empty() ? "" : " ") + ("-t " + pattern);
  if (selection.empty()) selection = "the default set";
  std::map<std::string, std::string> scalars = {
      {"JOB_NAME", yaml_quote(job_name(plan))},
      {"JOB_MINUTES", std::to_string(timeouts.job_minutes)},
      {"DEPLOY_MINUTES", std::to_string(timeouts.deploy_minutes)},
      {"BOOT_MINUTES", std::to_string(timeouts.boot_minutes)},
      {"TEST_MINUTES", std::to_string(timeouts.test_minutes)},
      {"NO_KVM", plan.accel == "tcg" ? "true" : "false"},
      {"MEMORY", yaml_quote(mebibytes(plan.profile.memory) + ",slots=4,maxmem=" + mebibytes(plan.profile.max_memory))},
      {"KERNEL_RELEASE", yaml_quote(plan.kernel.release)},
      {"SHARD", yaml_quote(shard_text(plan.shard))},
      {"SELECTION", yaml_quote(selection)},
      {"KERNEL_URL", yaml_quote(plan.kernel_file.url)},
      {"KERNEL_SHA256", yaml_quote(plan.kernel_file.sha256)},
      {"KERNEL_ARG", yaml_quote(kernel_arg(plan))},
      {"IMAGE_URL", yaml_quote(plan.image_file.url)},
      {"IMAGE_SHA256", yaml_quote(plan.image_file.sha256)},
      {"DESCRIPTION", yaml_quote("daxtorture " + selection + ", shard " + shard_text(plan.shard) + ": " +
                                 std::to_string(plan.instances.size()) + " instances on " + plan.kernel.release)},
  };
  std::map<std::string, std::vector<std::string>> lists = {
      {"EXTRA_OPTIONS", extra_options(plan)},
      {"STEPS", {guest_step(plan)}},
  };
  return fill_template(template_text, scalars, lists);
}

}  // namespace dt::lava
