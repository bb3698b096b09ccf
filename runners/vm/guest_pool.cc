#include "runners/vm/guest_pool.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>

#include "core/errors.h"
#include "core/registry.h"
#include "core/text_file.h"
#include "runners/results/guest_record.h"
#include "runners/results/results_store.h"
#include "runners/plan/budget.h"
#include "runners/plan/shard.h"
#include "runners/vm/boot_plan.h"
#include "runners/vm/guest_fate.h"
#include "runners/vm/guest_launch.h"
#include "runners/plan/work_queue.h"

namespace fs = std::filesystem;

namespace dt {

namespace {
constexpr const char* kGuestResults = "/run/daxtorture/results";  // the run folder in the guest

std::string queue_folder(const std::string& run_dir) { return run_dir + "/.guest/queue"; }

// Everything the guests share, behind one lock.
class PoolState {
 public:
  PoolState(const GuestPoolSettings& settings, KtapRelay& relay, GuestsProgress& progress)
      : settings_(settings), relay_(relay), progress_(progress) {
    for (const auto& instance : settings.instances) instances_.emplace(instance.name(), instance);
  }

  const Instance& instance(const std::string& name) const {
    auto found = instances_.find(name);
    if (found == instances_.end()) throw SetupError("the queue holds " + name + ", which this run did not select");
    return found->second;
  }

  bool has_result(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    return results_.count(name) > 0;
  }

  // A result a guest wrote, or one the host made; counted once.
  // `guest`: the guest whose fate it is, -1 for none (host_made only).
  void add(GuestRecord& guest, const InstanceResult& result, bool host_made, int guest_index = -1) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (results_.count(result.name)) return;
    results_[result.name] = result;
    ++guest.instances;
    if (host_made) {
      save_instance(settings_.run_dir, result);
      progress_.judged(guest_index, result.name, result.status);
    }
    relay_.host_result(result);  // a no-op for what the guest streamed itself
  }

  // The record a guest wrote for instance `name`, read once: when its
  // result line arrives, or after the boot for a line that never came.
  void take_guest_record(GuestRecord& guest, const std::string& name, const std::string& guest_dir) {
    if (has_result(name)) return;
    std::string problem;
    std::optional<InstanceResult> result = read_instance_record(settings_.run_dir, name, problem);
    if (!result) {
      // Not counted: the instance goes back to the queue after the boot.
      if (!problem.empty()) std::cerr << "daxtorture vm: " << problem << "; " << name << " runs again\n";
      return;
    }
    adopt_description(guest_dir);
    add(guest, *result, false);
  }

  // The run's description (kernel version, how the filesystems are made,
  // the namespaces) from the first guest that wrote one.
  void adopt_description(const std::string& guest_dir) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (info_) return;
    auto text = read_text_file(guest_dir + "/run.json");
    std::string problem;
    if (text) info_ = parse_run_description(*text, problem);
  }

  // The run as far as it went: the results in the run's order.
  RunResult snapshot(const std::string& kernel_release) {
    std::lock_guard<std::mutex> lock(mutex_);
    RunResult run;
    if (info_) run.info = *info_;
    else {
      run.info.run_id = settings_.run_id;
      run.info.kernel_release = kernel_release;
      run.info.started_at = started_at_;
    }
    for (const auto& instance : settings_.instances)
      if (auto found = results_.find(instance.name()); found != results_.end()) run.instances.push_back(found->second);
    return settings_.resumed ? merge_resumed(*settings_.resumed, run) : run;
  }

  void save(const std::string& kernel_release) {
    std::lock_guard<std::mutex> saving(save_mutex_);
    save_run(settings_.run_dir, snapshot(kernel_release));
  }

  const GuestPoolSettings& settings() const { return settings_; }
  KtapRelay& relay() { return relay_; }
  GuestsProgress& progress() { return progress_; }

 private:
  const GuestPoolSettings& settings_;
  KtapRelay& relay_;
  GuestsProgress& progress_;
  std::map<std::string, Instance> instances_;
  std::mutex mutex_, save_mutex_;
  std::map<std::string, InstanceResult> results_;
  std::optional<RunInfo> info_;
  std::string started_at_ = utc_timestamp();
};

// The kernel log of a power_cut instance up to the cut lives only on the
// console; the guest runner judges it with the second half (run_command.cc).
void record_power_cut(const std::string& run_dir, const GuestSessionOutcome& outcome) {
  std::string dir = run_dir + "/" + instance_folder(outcome.power_cut_for);
  make_directories(dir);
  write_text_file(dir + "/" + kConsoleBeforePowerCut, outcome.power_cut_console);
}

// The guest's own folder: its run.json, what it took from the queue, and
// a link to the run's instances folder, so that its results land there.
void prepare_guest_folder(const std::string& run_dir, int guest) {
  std::string dir = guest_folder(run_dir, guest);
  // What a resumed run's guests took before is not this run's.
  std::error_code ignored;
  fs::remove_all(dir + "/taken", ignored);
  make_directories(dir + "/taken");
  make_directories(run_dir + "/instances");
  std::error_code error;
  if (!fs::is_symlink(dir + "/instances")) fs::create_directory_symlink("../../instances", dir + "/instances", error);
  if (error) throw SetupError("cannot link " + dir + "/instances to the run's instances: " + error.message());
}

// Records of this run's instances left in the run folder by an earlier
// run (a resumed one) are not this run's: a record there is a guest's only
// once the guests have written it.
void forget_stale_records(const GuestPoolSettings& settings) {
  std::error_code ignored;
  for (const auto& instance : settings.instances)
    fs::remove(settings.run_dir + "/" + instance_folder(instance.name()) + "/instance.json", ignored);
}

// What the next boot of a guest may run: the power cut's instance, then
// whatever is still queued.
std::vector<Instance> instances_left(const PoolState& state, const std::string& first) {
  std::vector<Instance> may_run;
  if (!first.empty()) may_run.push_back(state.instance(first));
  for (const auto& entry : queue_entries(queue_folder(state.settings().run_dir)))
    may_run.push_back(state.instance(entry.name));
  return may_run;
}

// The session's limits, and what its lines do: KTAP to the relay, progress
// to the shared line, and each result's record into the pool.
GuestSessionLimits guest_limits(PoolState& state, const std::vector<Instance>& may_run, int guest,
                                const std::string& prefix, GuestRecord& record, const std::string& kernel_release) {
  const GuestPoolSettings& settings = state.settings();
  const std::string dir = guest_folder(settings.run_dir, guest);
  GuestSessionLimits limits = session_limits(may_run, settings.timeout_scale, settings.hang_timeout_s);
  limits.show_progress = !settings.quiet;
  limits.label = prefix;
  limits.on_ktap_line = [&state, guest](const std::string& line, const reports::KtapEvent& event) {
    state.relay().guest_line(guest, line, event);
  };
  limits.on_started = [&state, guest](const std::string& name) { state.progress().started(guest, name); };
  // The guest wrote the instance's record before it sent the result: keep
  // RUN/run.json current, for --resume after the host itself was killed.
  limits.on_finished = [&state, guest, dir, &record, kernel_release](const std::string& name, Status status) {
    state.progress().finished(guest, name, status);
    state.take_guest_record(record, name, dir);
    state.save(kernel_release);
  };
  return limits;
}

void report_stuck_guest(const GuestSessionOutcome& outcome, const std::string& prefix) {
  if (outcome.poweroff_stuck)
    std::cerr << "daxtorture vm: " << prefix << "the guest had not powered off a minute after its runner exited "
                 "(a sync stuck on a torn-down filesystem?); QEMU killed, no result lost" << std::endl;
  if (outcome.runner_stuck)
    std::cerr << "daxtorture vm: " << prefix << "the guest runner had neither started an instance nor exited "
                 "long after its last result (stuck in the kernel?); QEMU killed, no result lost" << std::endl;
}

// What the guest took and did not report: a record whose result line
// never arrived is taken now; the running instance gets the guest's fate,
// the power cut's instance waits for the next boot, and one taken but
// never started goes back to the queue. Returns whether the power cut's
// instance is unfinished.
bool settle_taken(PoolState& state, const GuestSessionOutcome& outcome, int guest, GuestRecord& record) {
  const GuestPoolSettings& settings = state.settings();
  const std::string dir = guest_folder(settings.run_dir, guest);
  state.adopt_description(dir);
  bool cut_unfinished = false;
  for (const auto& entry : queue_entries(dir + "/taken")) {
    state.take_guest_record(record, entry.name, dir);
    if (state.has_result(entry.name)) continue;
    if (entry.name == outcome.power_cut_for && !outcome.interrupted) {
      cut_unfinished = true;
    } else if (entry.name == outcome.last_running) {
      InstanceResult result = running_instance_result(state.instance(entry.name), outcome, record.console_log);
      if (!outcome.interrupted) {
        make_directories(settings.run_dir + "/" + result.artifacts);
        write_text_file(settings.run_dir + "/" + result.artifacts + "/" + kConsoleTail, outcome.console_tail);
      }
      state.add(record, result, true, guest);
    } else {
      put_back(dir + "/taken", queue_folder(settings.run_dir), entry);
    }
  }
  return cut_unfinished;
}

void announce_next_boot(const NextBoot& next, const GuestSessionOutcome& outcome, const GuestHistory& history,
                        const std::string& prefix, const std::string& run_dir) {
  if (next.after_power_cut) {
    std::cerr << "daxtorture vm: " << prefix << Progress::format_elapsed(outcome.seconds)
              << " the power was cut for " << next.first << " (QEMU killed); booting again on the same NVDIMM"
              << std::endl;
    return;
  }
  std::cerr << "daxtorture vm: " << prefix << "the guest stopped with " << queue_entries(queue_folder(run_dir)).size()
            << " instance(s) left in the queue; booting again (reboot " << history.reboots;
  if (history.fruitless > 0)
    std::cerr << "; " << history.fruitless << " boot(s) in a row without a verdict, of at most "
              << kMaxFruitlessReboots;
  std::cerr << ")" << std::endl;
}

// One guest's boots, until the queue is empty or it may not go on.
void drive_guest(PoolState& state, const QemuLaunch& launch, int guest, bool several, GuestRecord& record) {
  const GuestPoolSettings& settings = state.settings();
  const std::string prefix = several ? "guest " + std::to_string(guest + 1) + ": " : "";
  prepare_guest_folder(settings.run_dir, guest);
  GuestHistory history;
  std::string first;  // the power cut's instance, for the next boot
  for (bool first_boot = true;; first_boot = false) {
    fs::remove(guest_folder(settings.run_dir, guest) + "/run.json");
    write_text_file(settings.run_dir + "/.guest/run-" + launch.token + ".sh",
                    guest_run_script(launch, settings, guest, first));
    std::vector<Instance> may_run = instances_left(state, first);
    GuestSessionLimits limits = guest_limits(state, may_run, guest, prefix, record, launch.kernel.release);
    if (!settings.quiet)
      std::cerr << "daxtorture vm: " << prefix << "booting " << launch.kernel.release << " (" << launch.kernel.label
                << ") under " << launch.accel << ", " << may_run.size() << " instances left, results in "
                << settings.run_dir << std::endl;
    const size_t verdicts_before = record.instances;
    GuestSessionOutcome outcome =
        boot_until_userspace(launch, settings.run_dir + "/" + record.console_log, limits, record.boots);
    state.relay().end_of_boot(guest);
    report_stuck_guest(outcome, prefix);
    if (first_boot) record.first = outcome;
    record.last = outcome;

    bool cut_unfinished = settle_taken(state, outcome, guest, record);
    state.save(launch.kernel.release);

    history.fruitless = record.instances > verdicts_before ? 0 : history.fruitless + 1;
    bool work_left = !queue_entries(queue_folder(settings.run_dir)).empty();
    NextBoot next = plan_next_boot(outcome, work_left, cut_unfinished, history, settings.instances.size());
    if (!next.again) break;
    first = next.first;
    if (next.after_power_cut) {
      record_power_cut(settings.run_dir, outcome);
      ++history.power_cuts;
    } else {
      ++history.reboots;
    }
    announce_next_boot(next, outcome, history, prefix, settings.run_dir);
    fs::remove(launch.ktap_file);
  }
  record.reboots = history.reboots;
  record.power_cuts = history.power_cuts;
  record.fruitless = history.fruitless;
}
}  // namespace

double first_instance_after_s(const std::vector<GuestRecord>& guests) {
  double earliest = -1;
  for (const auto& guest : guests)
    if (guest.first.first_instance_after_s >= 0 && (earliest < 0 || guest.first.first_instance_after_s < earliest))
      earliest = guest.first.first_instance_after_s;
  return earliest;
}

std::vector<std::string> queue_order(const std::vector<Instance>& instances, int jobs) {
  std::vector<size_t> order(instances.size());
  std::iota(order.begin(), order.end(), 0);
  if (jobs > 1)
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return budget::expected_seconds(instances[a]) > budget::expected_seconds(instances[b]);
    });
  std::vector<std::string> names;
  for (size_t i : order) names.push_back(instances[i].name());
  return names;
}

std::string guest_folder(const std::string& run_dir, int guest) {
  return run_dir + "/.guest/g" + std::to_string(guest + 1);
}

GuestSessionLimits session_limits(const std::vector<Instance>& instances, double scale, long hang_timeout_s) {
  GuestSessionLimits limits;
  double longest = 0;
  for (const auto& instance : instances) {
    longest = std::max(longest, budget::scaled_timeout_seconds(instance, scale));
    limits.instance_budget[instance.name()] = std::chrono::seconds(
        hang_timeout_s > 0 ? hang_timeout_s : budget::hang_budget_seconds(instance, scale));
  }
  limits.deadline = std::chrono::seconds(static_cast<long>(budget::run_deadline_seconds(instances, scale)));
  limits.silence = std::chrono::seconds(static_cast<long>(longest + 180));
  if (hang_timeout_s > 0) limits.silence = std::chrono::seconds(hang_timeout_s);
  return limits;
}

std::string guest_run_script(const QemuLaunch& launch, const GuestPoolSettings& settings, int guest,
                             const std::string& first) {
  const std::string dir = std::string(kGuestResults) + "/.guest/g" + std::to_string(guest + 1);
  std::vector<std::string> argv = {kGuestBinary, "run",
                                   "--vm-guest", launch.token,
                                   "--run-dir", dir,
                                   "--run-id", settings.run_id,
                                   "--queue", std::string(kGuestResults) + "/.guest/queue",
                                   "--ktap-out", "/dev/ttyS1",
                                   "--machine", "qemu-" + launch.accel,
                                   "--timeout-scale", std::to_string(settings.timeout_scale)};
  if (!launch.kernel.config.empty()) {
    argv.push_back("--kernel-config");
    argv.push_back(launch.kernel.config);
  }
  if (!first.empty()) {
    argv.push_back("--after-power-cut");
    argv.push_back(first);
    argv.push_back("-t");
    argv.push_back(first);
  }
  for (const auto& instance : settings.instances) {
    if (instance.name() == first) continue;
    argv.push_back("-t");
    argv.push_back(instance.name());
  }
  for (const auto& fault : settings.injections) {
    argv.push_back("--inject");
    argv.push_back(fault);
  }
  if (settings.kernel_coverage) argv.push_back("--kernel-coverage");
  std::string script = "#!/bin/sh\n# written by 'daxtorture vm'; run by the guest's /init\ncd /\n";
  for (const auto& word : argv) script += shell_quote(word) + " ";
  // KTAP also reaches stdout, i.e. the guest console; keep the console for
  // the kernel and the runner's own progress.
  return script + ">/dev/null\n";
}

GuestPoolResult run_guest_pool(const std::vector<QemuLaunch>& launches, const GuestPoolSettings& settings,
                               KtapRelay& relay, GuestsProgress& progress) {
  fill_work_queue(queue_folder(settings.run_dir), settings.queue_order);
  // Each guest's /init runs .guest/run.sh; this one hands it the script of
  // the guest whose token is on its kernel command line.
  write_text_file(settings.run_dir + "/.guest/run.sh",
                  "#!/bin/sh\n# written by 'daxtorture vm': the script of this guest, by its token\n"
                  "for word in $(cat /proc/cmdline); do\n"
                  "  case $word in daxtorture.vm=*) token=${word#daxtorture.vm=} ;; esac\n"
                  "done\n"
                  "exec /bin/sh " + std::string(kGuestResults) + "/.guest/run-$token.sh\n");
  forget_stale_records(settings);
  PoolState state(settings, relay, progress);
  GuestPoolResult result;
  result.guests.resize(launches.size());
  for (size_t guest = 0; guest < launches.size(); ++guest)
    result.guests[guest].console_log = guest == 0 ? "console.log" : "console-g" + std::to_string(guest + 1) + ".log";
  std::vector<std::string> errors(launches.size());
  std::vector<std::thread> threads;
  for (size_t guest = 0; guest < launches.size(); ++guest)
    threads.emplace_back([&, guest] {
      try {
        drive_guest(state, launches[guest], static_cast<int>(guest), launches.size() > 1, result.guests[guest]);
      } catch (const std::exception& error) {
        errors[guest] = error.what();
      }
    });
  for (auto& thread : threads) thread.join();
  for (size_t guest = 0; guest < errors.size(); ++guest)
    if (!errors[guest].empty())
      throw SetupError("guest " + std::to_string(guest + 1) + " of the run failed on the host: " + errors[guest]);

  // What no guest ran gets the fate of a guest that could not go on.
  const GuestSessionOutcome* fate = &result.guests.back().last;
  for (const auto& guest : result.guests) {
    if (guest.last.interrupted) result.interrupted = true;
    if (!guest.last.init_fatal.empty()) result.init_fatal = guest.last.init_fatal;
    bool stopped_early = !guest_failed(guest.last) || !guest.last.power_cut_for.empty() ||
                         guest.fruitless > kMaxFruitlessReboots;
    if (stopped_early) fate = &guest.last;
  }
  GuestRecord host;  // the host's own verdicts are no guest's
  for (const auto& instance : settings.instances)
    if (!state.has_result(instance.name())) state.add(host, not_run_after(instance, *fate), true);
  result.run = state.snapshot(launches.front().kernel.release);
  return result;
}

}  // namespace dt
