// Runs one workload instance the way a maintainer can trust: needs checked
// first, fixture made fresh, the body forked into its own process group under
// a watchdog, the instance's slice of the kernel log and the taint flags
// judged afterwards, and every piece of evidence kept in its folder.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/kernel_info.h"
#include "core/kernel_log.h"
#include "core/kmsg_cursor.h"
#include "core/registry.h"
#include "core/result.h"
#include "runners/run/instance_fixture.h"
#include "runners/run/mm_ledger.h"
#include "runners/run/namespace_pool.h"

namespace dt {

struct InstanceRunnerSettings {
  std::string run_dir;                       // the run's results folder
  const AllowList* allow_list = nullptr;     // known-harmless kernel messages
  const KernelConfig* kernel_config = nullptr;  // nullptr: kconfig needs unknown
  NamespacePool* pool = nullptr;             // nullptr: no pmem owned
  double timeout_scale = 1.0;                // stretches spec timeouts (TCG is slow)
  bool in_own_vm = false;                    // the machine is daxtorture's own VM
  // This boot follows the power cut that instance asked for: its second
  // half runs on the filesystem the cut left (see WorkloadSpec::power_cut).
  std::string after_power_cut;
  // Zero the kernel's gcov counters before each instance and copy them into
  // its folder after it (see kernel_gcov.h).
  bool kernel_coverage = false;
};

class InstanceRunner {
 public:
  explicit InstanceRunner(InstanceRunnerSettings settings);

  InstanceResult run(const Instance& instance);

  // Why the kernel can no longer judge later instances fairly after the last
  // run(): a task of it stuck in the kernel, or an oops (taint D). Empty
  // when the kernel is fit.
  const std::string& kernel_unfit() const { return kernel_unfit_; }
  // The stuck task still holds the instance's fixture (left in place).
  bool fixture_held() const { return fixture_held_; }

 private:
  std::optional<std::string> unmet_need(const Instance& instance) const;
  void rearm_warn_once() const;
  // The workload's child under its timeout, then the fixture's teardown
  // (unless a stuck task still holds it), into `result`.
  void run_workload(const Instance& instance, const InstanceEnvironment& env, InstanceFixture& fixture,
                    InstanceResult& result, const std::string& artifacts_dir);
  // The instance's kernel-log slice and taint, judged into `result`; sets
  // kernel_unfit_ after an oops.
  void judge_kernel_log(KmsgCursor& kmsg, bool second_half, InstanceResult& result,
                        const std::string& artifacts_dir);

  // Ends the instance's kernel log slice only once its processes' mms are
  // freed, and places late lines about freed mms (see mm_ledger.h).
  void close_mm_window(InstanceResult& result, const std::string& artifacts_dir);

  InstanceRunnerSettings settings_;
  std::unique_ptr<MmLedger> mm_ledger_;   // null: not in our own VM, or switched off
  std::string no_mm_ledger_;              // why there is none
  bool place_mm_lines_ = true;            // false: the attribution before the ledger
  std::string kernel_unfit_;
  bool fixture_held_ = false;
};

}  // namespace dt
