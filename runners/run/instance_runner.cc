#include "runners/run/instance_runner.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>

#include "core/errors.h"
#include "core/kmsg_cursor.h"
#include "core/taint.h"
#include "core/text_file.h"
#include "runners/results/results_store.h"
#include "runners/run/instance_fixture.h"
#include "runners/run/kernel_gcov.h"
#include "runners/run/kernel_verdict.h"
#include "runners/run/workload_child.h"

namespace dt {

namespace {
using Clock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string joined;
  for (const auto& part : parts) joined += (joined.empty() ? "" : separator) + part;
  return joined;
}

std::string format_records(const std::vector<KmsgRecord>& records) {
  std::ostringstream out;
  for (const auto& record : records) {
    char stamp[32];
    snprintf(stamp, sizeof stamp, "[%5llu.%06llu] ",
             static_cast<unsigned long long>(record.usec / 1000000),
             static_cast<unsigned long long>(record.usec % 1000000));
    out << stamp << record.text << "\n";
  }
  return out.str();
}

// A line of the runner's own in the instance's output file.
void ctx_note(const std::string& artifacts_dir, const std::string& text) {
  std::string path = artifacts_dir + "/output.txt";
  std::string existing = read_text_file(path).value_or("");
  write_text_file(path, existing + "daxtorture runner: " + text + "\n");
}

// Decides the instance's own verdict from what the child did, before the
// kernel log has its say.
void apply_child_outcome(const ChildOutcome& outcome, InstanceResult& result) {
  const ChildReport& report = outcome.report;
  result.failures = report.failures;
  result.metrics = report.metrics;
  result.notes = report.notes;
  result.workload_s = outcome.seconds;
  if (outcome.timed_out) {
    result.status = Status::timeout;
    result.reason = "no verdict within the timeout" +
                    std::string(outcome.unreapable ? "; the process could not be killed "
                                                     "(stuck in the kernel, see stacks.txt)"
                                                   : "; killed, see stacks.txt");
  } else if (!report.failures.empty()) {
    result.status = Status::fail;
  } else if (!report.broken_reason.empty()) {
    result.status = Status::broken;
    result.reason = report.broken_reason;
  } else if (!report.skip_reason.empty()) {
    result.status = Status::skip;
    result.reason = report.skip_reason;
  } else if (outcome.signal != 0) {
    result.status = Status::broken;
    result.reason = std::string("the workload process was killed by ") +
                    sigabbrev_np(outcome.signal) + " without a verdict";
  } else if (outcome.exit_code != 0) {
    result.status = Status::broken;
    result.reason = "the workload process exited with status " +
                    std::to_string(outcome.exit_code) + " without a verdict";
  } else {
    result.status = Status::pass;
  }
}

// The guest's kernel command line may switch the mm ledger off
// (daxtorture.mm_ledger=off): the attribution of releases before it, kept
// so that tests/vm/deferred_mm.sh can show what the ledger changes.
bool mm_ledger_switched_off() {
  return read_text_file("/proc/cmdline").value_or("").find("daxtorture.mm_ledger=off") != std::string::npos;
}

// How long an instance's mms may take to be freed after its processes are
// gone: an io_uring ring's exit work waits for its requests, which a slow
// device holds for seconds.
constexpr std::chrono::milliseconds kMmSettleLimit{15000};
}  // namespace

InstanceRunner::InstanceRunner(InstanceRunnerSettings settings) : settings_(std::move(settings)) {
  if (!settings_.in_own_vm) {
    no_mm_ledger_ = "the runner watches mm teardown only in its own VM";
  } else if (mm_ledger_switched_off()) {
    no_mm_ledger_ = "switched off (daxtorture.mm_ledger=off)";
    place_mm_lines_ = false;
  } else {
    mm_ledger_ = std::make_unique<MmLedger>();
    if (!mm_ledger_->available()) {
      no_mm_ledger_ = mm_ledger_->why_unavailable();
      mm_ledger_.reset();
    }
  }
}

void InstanceRunner::close_mm_window(InstanceResult& result, const std::string& artifacts_dir) {
  if (!mm_ledger_) return;
  MmLedger::Settled settled = mm_ledger_->settle(kMmSettleLimit);
  for (const auto& late : settled.freed_late) ctx_note(artifacts_dir, "the kernel freed an mm late: " + late);
  if (!settled.complete) {
    std::string held;
    for (const auto& mm : settled.held) held += (held.empty() ? "" : ", ") + mm;
    ctx_note(artifacts_dir, "the kernel had not freed every mm of the instance " +
                                std::to_string(static_cast<int>(settled.waited_s)) + " s after its end: " + held +
                                "; a line about it later is placed by its address");
  }
}

std::optional<std::string> InstanceRunner::unmet_need(const Instance& instance) const {
  const Needs& needs = instance.workload->spec.needs;
  if (needs.root && geteuid() != 0) return "needs root";
  std::string release = running_kernel_release();
  if (!kernel_at_least(release, needs.min_kernel))
    return "needs kernel " + needs.min_kernel + " or newer; running " + release;
  if (!needs.kconfig.empty()) {
    if (!settings_.kernel_config)
      return "needs " + join(needs.kconfig, ", ") +
             " but the kernel config is unknown (pass --kernel-config)";
    for (const auto& option : needs.kconfig)
      if (!settings_.kernel_config->satisfies(option))
        return "needs " + option + ", which " + settings_.kernel_config->source + " lacks";
  }
  if (instance.workload->spec.power_cut && !settings_.in_own_vm)
    return "cuts the power halfway, which only 'daxtorture vm' can do (it kills QEMU and boots "
           "again on the same NVDIMM)";
  for (const auto& module : needs.modules) {
    std::string reason = load_module(module);
    if (!reason.empty()) return "needs module " + module + ": " + reason;
  }
  return std::nullopt;
}

void InstanceRunner::rearm_warn_once() const {
  // WARN_ON_ONCE sites fire once per boot: re-arm them, so that every
  // instance that hits one is judged by it, not just the first. Only in the
  // tool's own VM: on a real machine this is global state of the user's.
  if (!settings_.in_own_vm) return;
  try {
    write_text_file("/sys/kernel/debug/clear_warn_once", "1");
  } catch (const SetupError&) {
    // No debugfs: the first instance that warns is still caught.
  }
}

void InstanceRunner::run_workload(const Instance& instance, const InstanceEnvironment& env, InstanceFixture& fixture,
                                  InstanceResult& result, const std::string& artifacts_dir) {
  auto timeout = std::chrono::milliseconds(static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(instance.workload->spec.timeout).count() *
      settings_.timeout_scale));
  ChildOutcome outcome = run_workload_child(instance, env, timeout);
  apply_child_outcome(outcome, result);
  if (outcome.escaped > 0)
    ctx_note(artifacts_dir,
             std::to_string(outcome.escaped) + " process(es) had left the instance's process group; killed");
  if (!outcome.stacks.empty()) write_text_file(artifacts_dir + "/stacks.txt", outcome.stacks);
  if (!outcome.report.malformed.empty())
    result.reason += (result.reason.empty() ? "" : "; ") + std::to_string(outcome.report.malformed.size()) +
                     " malformed report lines from the workload";
  if (outcome.unreapable) {
    // Do not touch a fixture a stuck task still uses: teardown would hang
    // this runner too. The caller stops the run after this instance.
    result.reason += "; fixture left in place";
    kernel_unfit_ = result.name + " left a task stuck in the kernel";
    fixture_held_ = true;
    return;
  }
  if (!outcome.report.namespace_changes.empty())
    ctx_note(artifacts_dir, "the instance's fixture handles changed its namespace (" +
                                join(outcome.report.namespace_changes, "; ") + "): the run's namespaces are re-read");
  fixture.namespace_changed(outcome.report.namespace_changes);
  auto problems = fixture.release();
  if (problems.empty()) return;
  std::string text = "fixture teardown: " + join(problems, "; ");
  ctx_note(artifacts_dir, text);
  if (result.status == Status::pass || result.status == Status::skip) {
    result.status = Status::broken;
    result.reason = text;
  } else {
    result.reason += (result.reason.empty() ? "" : "; ") + text;
  }
}

namespace {
// The kernel code this instance ran, into its gcov/ folder. Coverage is a
// measurement beside the verdict: losing it never judges the instance.
void keep_instance_gcov(const std::string& artifacts_dir) {
  try {
    copy_kernel_gcov(artifacts_dir + "/" + kInstanceGcovFolder);
  } catch (const SetupError& error) {
    ctx_note(artifacts_dir, std::string("no kernel coverage for this instance: ") + error.what());
  }
}
}  // namespace

void InstanceRunner::judge_kernel_log(KmsgCursor& kmsg, bool second_half, InstanceResult& result,
                                      const std::string& artifacts_dir) {
  if (!fixture_held_) close_mm_window(result, artifacts_dir);
  if (settings_.kernel_coverage) keep_instance_gcov(artifacts_dir);
  kmsg.mark("end " + result.name);
  auto records = kmsg.drain();
  write_text_file(artifacts_dir + "/dmesg.txt", format_records(records));
  result.taint_after = read_taint();
  result.kernel_findings = findings(records, *settings_.allow_list);
  if (second_half) {
    // The first half's kernel log died with that boot; the host kept its
    // console. Judged here like the rest of the instance's log.
    std::string before = read_text_file(artifacts_dir + "/" + kConsoleBeforePowerCut).value_or("");
    for (auto& finding : findings(parse_kernel_log(before), *settings_.allow_list)) {
      finding.line = "before the power cut: " + finding.line;
      result.kernel_findings.push_back(finding);
    }
  }
  for (auto& finding : taint_findings(result.taint_before, result.taint_after))
    result.kernel_findings.push_back(finding);
  if (place_mm_lines_) place_freed_mm_lines(result, mm_ledger_.get(), no_mm_ledger_);
  for (const auto& line : result.unplaced_kernel_lines)
    ctx_note(artifacts_dir, "kernel line not charged to this instance (" + line.why + "): " + line.line);
  apply_kernel_verdict(result, kmsg.lost());
  constexpr uint64_t kTaintDie = 1ull << 7;  // 'D': an oops happened
  if (kernel_unfit_.empty() && (newly_set(result.taint_before, result.taint_after) & kTaintDie))
    kernel_unfit_ = "the kernel oopsed during " + result.name;
}

InstanceResult InstanceRunner::run(const Instance& instance) {
  InstanceResult result = started_result(instance);
  const std::string artifacts_dir = settings_.run_dir + "/" + result.artifacts;
  kernel_unfit_.clear();
  fixture_held_ = false;
  make_directories(artifacts_dir);
  auto started = Clock::now();

  if (auto reason = unmet_need(instance)) {
    result.status = Status::skip;
    result.reason = *reason;
    return result;
  }

  // The slice covers fixture set-up and teardown too: unmount and namespace
  // teardown are where busy DAX pages make the kernel warn.
  rearm_warn_once();
  if (settings_.kernel_coverage) reset_kernel_gcov();
  KmsgCursor kmsg;
  kmsg.mark("begin " + result.name);
  if (mm_ledger_) mm_ledger_->begin(result.name);
  result.taint_before = read_taint();

  InstanceFixture fixture(settings_.pool, settings_.in_own_vm);
  std::optional<InstanceEnvironment> env;
  const bool second_half = result.name == settings_.after_power_cut;
  try {
    env = fixture.prepare(instance, artifacts_dir, second_half);
  } catch (const SkipRequest& skip) {
    result.status = Status::skip;
    result.reason = skip.what();
  } catch (const std::exception& error) {
    result.status = Status::broken;
    result.reason = std::string("fixture set-up: ") + error.what();
    ctx_note(artifacts_dir, result.reason);  // the failed command's own words, beside the reason
  }
  if (env) run_workload(instance, *env, fixture, result, artifacts_dir);
  else fixture.release();

  judge_kernel_log(kmsg, second_half, result, artifacts_dir);
  result.duration_s = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

}  // namespace dt
