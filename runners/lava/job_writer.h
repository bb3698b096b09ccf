// One LAVA job definition (YAML) for one kernel and one shard, filled from
// the template vm-configs/lava/job.yaml.in.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/registry.h"
#include "runners/plan/shard.h"
#include "runners/kernel/kernel_locator.h"
#include "runners/vm/machine_profile.h"

namespace dt::lava {

// Where the worker downloads a file from, and what it must hash to.
struct Artifact {
  std::string url;
  std::string sha256;
};

struct JobPlan {
  GuestKernel kernel;
  Artifact kernel_file;
  Artifact image_file;
  MachineProfile profile;
  std::string accel = "tcg";             // tcg: no_kvm, as on a worker without /dev/kvm
  double timeout_scale = 4;
  std::string nvdimm_dir = "/var/tmp";   // on the worker: QEMU makes (and unlinks) the backing file there
  std::vector<std::string> patterns;     // the selection, as given
  Shard shard;
  std::vector<Instance> instances;       // the shard's, for the timeouts
  std::string run_id;
};

struct JobTimeouts {
  long deploy_minutes = 0, boot_minutes = 0, test_minutes = 0, job_minutes = 0;
};

// From the shard's instances: each one's scaled timeout plus its set-up,
// teardown and the console copy of its files, and a margin for the run.
JobTimeouts job_timeouts(const JobPlan& plan);

// "daxtorture-6.12.117+deb12-amd64-shard-1-of-3"
std::string job_name(const JobPlan& plan);

// The job's YAML. `template_text`: vm-configs/lava/job.yaml.in. Throws
// SetupError when the template names a key this version does not fill.
std::string job_definition(const JobPlan& plan, const std::string& template_text);

// `@@KEY@@` in `template_text` replaced: scalars quoted for YAML, and a
// line holding only @@KEY@@ of a list expanded at its indentation.
std::string fill_template(const std::string& template_text, const std::map<std::string, std::string>& scalars,
                          const std::map<std::string, std::vector<std::string>>& lists);

// A YAML double-quoted scalar.
std::string yaml_quote(const std::string& text);

}  // namespace dt::lava
