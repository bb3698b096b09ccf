// Registers the fault-latency benchmarks with Google Benchmark. Each
// iteration is one page fault, timed on its own (manual time), so the
// benchmark's time is the mean latency of one fault; the counters add the
// median, 99th percentile and maximum, faults per second and bytes mapped
// per fault. The thread's fault count over the timed faults must equal the
// number of faults the case expects (one per fault_size): otherwise the
// faults were not of that size and the benchmark reports an error instead
// of a number. A huge unit is also read at its last 4 KiB page right after
// its fault (untimed): mapped whole, that costs no fault; fallen back to
// smaller pages, it costs one more.
#pragma once

#include <vector>

#include "workloads/bench/fault_case.h"
#include "workloads/bench/fault_target.h"

namespace dt::bench {

// How the figures are timed. virtual_clock: the guest runs under QEMU's
// instruction counting (vm bench --clock icount); a benchmark during whose
// timed faults a CPU went idle reports an error instead of a number (the
// clock skipped that idle time, see idle_watch.h). idle_watch: the idle
// count can be read (it is kept as counter idle_entries either way).
struct TimingRules {
  bool virtual_clock = false;
  bool idle_watch = false;
};

// Registers every case whose mapping kind the store can provide, and the
// touch loop right after its fault case; returns the number registered.
// Each benchmark's first run is preceded by an untimed pass over the same
// faults (warm-up). `store` must outlive the benchmark run.
size_t register_fault_benchmarks(TargetStore& store, const std::vector<FaultCase>& cases,
                                 TimingRules rules = {});

// The independent measurement: the faults of touch_loop_case() in one
// plain loop timed as a whole, divided by the verified fault count
// (counter per_fault_us). Nothing but the touches is inside the timing.
// Each repetition also times the same faults one by one on fresh storage
// right beside the loop (paired_timed_mean_us), so the two methods meet
// the same machine load.
// Called by register_fault_benchmarks.
void register_touch_loop_benchmark(TargetStore& store, TimingRules rules = {});

}  // namespace dt::bench
