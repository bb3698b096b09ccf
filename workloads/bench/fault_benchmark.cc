#include "workloads/bench/fault_benchmark.h"

#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <barrier>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "workloads/bench/fault_mapping.h"
#include "workloads/bench/idle_watch.h"
#include "workloads/bench/latency_stats.h"

namespace dt::bench {

namespace {
// Where each byte is touched inside its fault unit: off the unit's start
// (in its second 4 KiB page for huge units), so the kernel aligns the
// fault address itself.
uint64_t touch_offset(const FaultCase& c) { return c.fault_size > 4096 ? 4096 + 64 : 64; }

// What the threads of one run hand to thread 0, which reports for all of
// them (Google Benchmark sums counters over threads).
struct RunShare {
  explicit RunShare(int threads) : barrier(threads), warmed(static_cast<size_t>(threads), 0) {}
  std::mutex mutex;
  std::barrier<> barrier;
  std::vector<double> samples_us;
  uint64_t faults = 0, major = 0;
  double busiest_thread_s = 0;   // timed loop, first fault to last
  double summed_s = 0;           // sum of the samples
  double cpu_s = 0;              // threads' CPU time over their timed loops
  uint64_t idle = 0;             // idle entries of any CPU meanwhile
  bool idle_known = false;
  std::string error;
  // The first error of any repetition, repeated by every later one: a
  // benchmark is measured in all its repetitions or in none. (Google
  // Benchmark 1.7.1's statistics also crash when the first repetition
  // failed and two later ones did not.)
  std::string failed_before;
  // Per thread: the untimed warm-up pass ran. Under TCG the first pass
  // over a kernel path pays for translating its code; without it the first
  // repetition of every benchmark was an outlier (up to 100x).
  std::vector<char> warmed;
};

void touch(uint8_t* at, bool write, uint64_t i) {
  volatile uint8_t* byte = at;
  if (write) *byte = static_cast<uint8_t>(i | 1);
  else (void)*byte;
}

std::string count_error(const FaultCase& c, const ThreadFaults& seen, uint64_t expected) {
  return "fault size not verified: expected " + std::to_string(expected) + " faults of " +
         size_name(c.fault_size) + ", the thread took " + std::to_string(seen.minor) + " minor + " +
         std::to_string(seen.major) + " major";
}

// Untimed set-up of a thread's region: for refault, written through the
// mapping and zapped.
void prepare_pages(const FaultCase& c, FaultMapping& mapping, uint64_t faults) {
  if (c.touch != Touch::refault) return;
  for (uint64_t i = 0; i < faults; ++i) touch(mapping.base() + i * c.fault_size + touch_offset(c), true, i);
  madvise(mapping.base(), faults * c.fault_size, MADV_DONTNEED);
}

struct ThreadRun {
  std::vector<double> samples_us;
  ThreadFaults faults;
  double loop_s = 0;
  double cpu_s = 0;
  std::optional<uint64_t> idle;   // CPU idle entries over the timed loop
  std::string error;
};

// Idle entries between two readings; nullopt when either is unknown.
std::optional<uint64_t> idle_between(std::optional<uint64_t> before, std::optional<uint64_t> after) {
  if (!before || !after) return std::nullopt;
  return *after - *before;
}

std::string idle_error(uint64_t entries) {
  return "a CPU went idle " + std::to_string(entries) +
         " time(s) during the timed faults: under -icount the guest clock counts no instructions "
         "while the CPU idles (it follows the host's), so this figure is not an instruction count "
         "(a wait for a device or a timer); measure this case with --clock wall";
}

// One fault per iteration, each timed on its own.
ThreadRun fault_loop(benchmark::State& state, const FaultCase& c, TargetStore& store, RunShare& share) {
  ThreadRun run;
  const uint64_t n = faults_per_thread(c);
  std::unique_ptr<FaultMapping> mapping;
  try {
    if (!share.warmed[static_cast<size_t>(state.thread_index())]) {
      FaultMapping warm_up(c, store.prepare(c, state.thread_index()));
      warm_up.map(false);
      prepare_pages(c, warm_up, n);
      for (uint64_t i = 0; i < n; ++i) touch(warm_up.base() + i * c.fault_size + touch_offset(c), c.write, i);
      share.warmed[static_cast<size_t>(state.thread_index())] = 1;
    }
    mapping = std::make_unique<FaultMapping>(c, store.prepare(c, state.thread_index()));
    mapping->map(false);
    prepare_pages(c, *mapping, n);
  } catch (const std::exception& error) {
    run.error = error.what();
    state.SkipWithError(run.error.c_str());
  }
  run.samples_us.assign(n, 0.0);   // allocated and touched before timing
  ThreadFaults before{}, after{};
  uint64_t i = 0, loop_start = 0, loop_end = 0, cpu_start = 0, cpu_end = 0;
  std::optional<uint64_t> idle_before, idle_after;
  for (auto _ : state) {
    uint8_t* at = mapping->base() + i * c.fault_size + touch_offset(c);
    // The idle count is read right outside the counted window (reading it
    // may allocate, i.e. fault), not around Google Benchmark's loop: its
    // first start may page in the library's code over 9p, which idles.
    if (i == 0) {
      idle_before = idle_entries();
      before = thread_faults();
      cpu_start = thread_cpu_ns();
    }
    const uint64_t t0 = now_ns();
    touch(at, c.write, i);
    if (!c.write) device_delay();
    const uint64_t t1 = now_ns();
    // Untimed, inside the counted window: a load from the unit's last
    // 4 KiB page. A unit the fault mapped whole takes no fault here; one
    // that fell back to smaller pages takes one, and the count shows it.
    if (c.fault_size > 4096) touch(at - touch_offset(c) + c.fault_size - 4096, false, i);
    if (i == 0) loop_start = t0;
    if (i + 1 == n) {
      loop_end = t1;
      cpu_end = thread_cpu_ns();
      after = thread_faults();
      idle_after = idle_entries();
    }
    run.samples_us[i] = static_cast<double>(t1 - t0) * 1e-3;
    state.SetIterationTime(static_cast<double>(t1 - t0) * 1e-9);
    ++i;
  }
  run.idle = idle_between(idle_before, idle_after);
  run.faults = {after.minor - before.minor, after.major - before.major};
  run.loop_s = static_cast<double>(loop_end - loop_start) * 1e-9;
  run.cpu_s = static_cast<double>(cpu_end - cpu_start) * 1e-9;
  if (run.error.empty() && run.faults.total() != n) run.error = count_error(c, run.faults, n);
  return run;
}

// One MAP_POPULATE mmap per iteration; its sample is the call's time per
// fault it took.
ThreadRun populate_loop(benchmark::State& state, const FaultCase& c, TargetStore& store, RunShare& share) {
  ThreadRun run;
  const uint64_t n = faults_per_thread(c);
  std::unique_ptr<FaultMapping> mapping;
  try {
    mapping = std::make_unique<FaultMapping>(c, store.prepare(c, state.thread_index()));
    if (!share.warmed[static_cast<size_t>(state.thread_index())]) {
      mapping->map(true);
      mapping->unmap();
      share.warmed[static_cast<size_t>(state.thread_index())] = 1;
    }
  } catch (const std::exception& error) {
    run.error = error.what();
    state.SkipWithError(run.error.c_str());
  }
  run.samples_us.reserve(populate_calls(c));
  run.idle = 0;
  for (auto _ : state) {
    try {
      const std::optional<uint64_t> idle_before = idle_entries();
      ThreadFaults before = thread_faults();
      const uint64_t cpu_start = thread_cpu_ns();
      double took = mapping->map(true);
      run.cpu_s += static_cast<double>(thread_cpu_ns() - cpu_start) * 1e-9;
      ThreadFaults after = thread_faults();
      const std::optional<uint64_t> idle = idle_between(idle_before, idle_entries());
      run.idle = run.idle && idle ? std::optional<uint64_t>(*run.idle + *idle) : std::nullopt;
      mapping->unmap();
      ThreadFaults faults{after.minor - before.minor, after.major - before.major};
      run.faults.minor += faults.minor;
      run.faults.major += faults.major;
      if (faults.total() != n && run.error.empty()) run.error = count_error(c, faults, n) + " in one mmap";
      run.samples_us.push_back(took * 1e6 / static_cast<double>(n));
      run.loop_s += took;
      state.SetIterationTime(took / static_cast<double>(n));
    } catch (const std::exception& error) {
      run.error = error.what();
      state.SkipWithError(run.error.c_str());
    }
  }
  return run;
}

void report(benchmark::State& state, const FaultCase& c, RunShare& share, ThreadRun run, TimingRules rules) {
  {
    std::lock_guard<std::mutex> lock(share.mutex);
    share.cpu_s += run.cpu_s;
    if (run.idle) {
      share.idle += *run.idle;
      share.idle_known = true;
    }
    share.samples_us.insert(share.samples_us.end(), run.samples_us.begin(), run.samples_us.end());
    share.faults += run.faults.total();
    share.major += run.faults.major;
    share.busiest_thread_s = std::max(share.busiest_thread_s, run.loop_s);
    for (double s : run.samples_us) share.summed_s += s * 1e-6;
    if (share.error.empty()) share.error = run.error;
  }
  share.barrier.arrive_and_wait();
  if (state.thread_index() != 0) return;
  if (share.error.empty() && rules.virtual_clock && share.idle > 0) share.error = idle_error(share.idle);
  if (share.error.empty() && !share.failed_before.empty())
    share.error = "an earlier repetition failed: " + share.failed_before;
  if (!share.error.empty()) {
    if (share.failed_before.empty()) share.failed_before = share.error;
    state.SkipWithError(share.error.c_str());
  } else {
    const double faults = static_cast<double>(share.faults);
    LatencySummary summary = summarize(share.samples_us);
    state.counters["mean_us"] = summary.mean;
    state.counters["p50_us"] = summary.p50;
    state.counters["p99_us"] = summary.p99;
    state.counters["max_us"] = summary.max;
    state.counters["faults"] = faults;
    state.counters["major_faults"] = static_cast<double>(share.major);
    state.counters["bytes_per_fault"] = static_cast<double>(c.fault_size);
    state.counters["cpu_us"] = faults > 0 ? share.cpu_s * 1e6 / faults : 0;
    if (share.idle_known) state.counters["idle_entries"] = static_cast<double>(share.idle);
    // Populate: faults per second of mmap time; otherwise of the busiest
    // thread's loop, so two threads show their combined rate.
    const double seconds = c.touch == Touch::populate ? share.summed_s : share.busiest_thread_s;
    state.counters["faults_per_s"] = seconds > 0 ? faults / seconds : 0;
  }
  share.samples_us.clear();
  share.faults = share.major = 0;
  share.busiest_thread_s = share.summed_s = share.cpu_s = 0;
  share.idle = 0;
  share.idle_known = false;
  share.error.clear();
}
}  // namespace

size_t register_fault_benchmarks(TargetStore& store, const std::vector<FaultCase>& cases, TimingRules rules) {
  size_t registered = 0;
  for (const FaultCase& c : cases) {
    if (!store.available(c.kind)) continue;
    auto share = std::make_shared<RunShare>(c.threads);
    auto body = [c, share, &store, rules](benchmark::State& state) {
      ThreadRun run = c.touch == Touch::populate ? populate_loop(state, c, store, *share)
                                                  : fault_loop(state, c, store, *share);
      report(state, c, *share, std::move(run), rules);
    };
    benchmark::RegisterBenchmark(case_name(c).c_str(), body)
        ->Iterations(static_cast<benchmark::IterationCount>(
            c.touch == Touch::populate ? populate_calls(c) : faults_per_thread(c)))
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond)
        ->Threads(c.threads);
    ++registered;
    // Beside its fault benchmark: same filesystem, same boot, same warm-up.
    const FaultCase loop = touch_loop_case();
    if (c.kind == loop.kind && c.fault_size == loop.fault_size && c.write == loop.write &&
        c.map_sync == loop.map_sync && c.touch == loop.touch && c.threads == 1) {
      register_touch_loop_benchmark(store, rules);
      ++registered;
    }
  }
  return registered;
}

namespace {
// What one pass of the touch loop measured.
struct PassTime {
  uint64_t ns = 0;       // the loop's time, or the sum of per-fault times
  uint64_t cpu_ns = 0;   // thread CPU time over the pass's faults
  std::optional<uint64_t> idle;
};

// One pass of the touch loop's faults on fresh storage: timed as a whole
// (the loop's nanoseconds), or each fault on its own as BM_fault times it
// (the sum of the per-fault times). Throws SetupError, or
// std::runtime_error when the fault count is not one per page.
PassTime touch_pass(const FaultCase& c, TargetStore& store, bool time_each) {
  const uint64_t n = faults_per_thread(c);
  FaultMapping mapping(c, store.prepare(c, 0));
  mapping.map(false);
  uint8_t* base = mapping.base() + touch_offset(c);
  PassTime pass;
  const std::optional<uint64_t> idle_before = idle_entries();
  ThreadFaults before = thread_faults();
  const uint64_t cpu_start = thread_cpu_ns();
  if (time_each) {
    for (uint64_t i = 0; i < n; ++i) {
      const uint64_t t0 = now_ns();
      touch(base + i * c.fault_size, c.write, i);
      pass.ns += now_ns() - t0;
    }
  } else {
    const uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; ++i) touch(base + i * c.fault_size, c.write, i);
    pass.ns = now_ns() - t0;
  }
  pass.cpu_ns = thread_cpu_ns() - cpu_start;
  ThreadFaults after = thread_faults();
  pass.idle = idle_between(idle_before, idle_entries());
  ThreadFaults faults{after.minor - before.minor, after.major - before.major};
  if (faults.total() != n) throw std::runtime_error(count_error(c, faults, n));
  return pass;
}
}  // namespace

void register_touch_loop_benchmark(TargetStore& store, TimingRules rules) {
  const FaultCase c = touch_loop_case();
  if (!store.available(c.kind)) return;
  auto runs = std::make_shared<uint64_t>(0);
  auto failed_before = std::make_shared<std::string>();   // as RunShare::failed_before
  auto body = [c, &store, runs, rules, failed_before](benchmark::State& state) {
    const double n = static_cast<double>(faults_per_thread(c));
    auto fail = [&](const std::string& why) {
      if (failed_before->empty()) *failed_before = why;
      state.SkipWithError(why.c_str());
    };
    for (auto _ : state) {
      if (!failed_before->empty()) {
        fail("an earlier repetition failed: " + *failed_before);
        break;
      }
      try {
        if ((*runs)++ == 0) touch_pass(c, store, false);   // warm-up
        // The loop pass, and beside it a pass timed fault by fault in the
        // same conditions (order alternating): the host's load on this
        // shared machine changes from one repetition to the next, and
        // the pair shows whether timing each fault changes the figure.
        const bool loop_first = *runs % 2 == 0;
        const PassTime first = touch_pass(c, store, !loop_first);
        const PassTime second = touch_pass(c, store, loop_first);
        const PassTime& loop = loop_first ? first : second;
        const double loop_ns = static_cast<double>(loop.ns);
        const double each_ns = static_cast<double>((loop_first ? second : first).ns);
        state.SetIterationTime(loop_ns * 1e-9 / n);
        state.counters["per_fault_us"] = loop_ns * 1e-3 / n;
        state.counters["paired_timed_mean_us"] = each_ns * 1e-3 / n;
        state.counters["faults"] = n;
        state.counters["cpu_us"] = static_cast<double>(loop.cpu_ns) * 1e-3 / n;
        if (first.idle && second.idle) {
          const uint64_t idle = *first.idle + *second.idle;
          state.counters["idle_entries"] = static_cast<double>(idle);
          if (rules.virtual_clock && idle > 0) fail(idle_error(idle));
        }
      } catch (const std::exception& error) {
        fail(error.what());
      }
    }
  };
  benchmark::RegisterBenchmark(touch_loop_name().c_str(), body)
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace dt::bench
