// 'daxtorture bench --compare OLD.json NEW.json': per benchmark, the median
// over repetitions of the per-fault mean, p50 and p99 on each side, the
// relative change of the mean, and a two-sided Mann-Whitney U test over
// the repetitions' per-fault means, and the same for the median fault (p50),
// which a few preempted faults cannot move. A change counts as significant
// when p < alpha and it is at least min_change (a fraction) in size; with
// fewer than 9 repetitions a side the test has little power and the row
// says so. Under the icount clock repetitions hardly vary, and the U test
// finds any consistent shift "significant", however small (9 of 9 on one
// side: p = 4e-5): min_change is then the spread two boots of the same
// kernel show: their medians differed by up to 0.65 % (6.1, 2026-12-02),
// so 1 %.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "reports/bench_json.h"

namespace dt::reports {

struct BenchDelta {
  std::string name;
  size_t old_n = 0, new_n = 0;           // error-free repetitions
  double old_mean = 0, new_mean = 0;     // median over repetitions, µs
  double old_p50 = 0, new_p50 = 0;      // 0 when a side has no percentiles
  double old_p99 = 0, new_p99 = 0;      // (the touch loop)
  double change = 0;                     // new_mean / old_mean - 1
  double p = 1;                          // U test over the repetitions' means
  bool significant = false;
  double p50_change = 0;                 // new_p50 / old_p50 - 1
  double p50_p = 1;                      // U test over the repetitions' p50s
  bool p50_significant = false;
  std::string note;                      // errors, missing side, too few repetitions
};

constexpr size_t kMinRepetitions = 9;
constexpr double kIcountMinChange = 0.01;

// The smallest change compare_bench should count: kIcountMinChange when
// both files were measured under the icount clock (context clock), else 0.
double default_min_change(const BenchFile& old_file, const BenchFile& new_file);

// The per-repetition latency of a benchmark: the counter mean_us, or
// per_fault_us for the touch loop.
std::vector<double> latency_values(const BenchFile& file, const std::string& name);

std::vector<BenchDelta> compare_bench(const BenchFile& old_file, const BenchFile& new_file,
                                      double alpha = 0.05, double min_change = 0);

// A fixed-width table for the terminal. min_change: what compare_bench
// was given, named in the summary line.
void write_comparison_text(std::ostream& out, const std::vector<BenchDelta>& deltas,
                           const std::string& old_label, const std::string& new_label, double min_change = 0);
// The same as a Markdown table (for docs/findings).
void write_comparison_markdown(std::ostream& out, const std::vector<BenchDelta>& deltas,
                               const std::string& old_label, const std::string& new_label,
                               double min_change = 0);

// The independent check of the per-fault figure: the mean of
// BM_fault/fsdax_xfs/4k/write/nosync/first (threads:1) beside
// BM_touch_loop/... (the same faults timed as one loop), both as medians
// over repetitions; difference = fault / loop - 1.
struct TouchLoopAgreement {
  bool found = false;
  double fault_mean_us = 0, loop_per_fault_us = 0, difference = 0;
  // Within the touch loop's repetitions: the faults timed one by one right
  // beside the loop (median), and its difference to the loop.
  double paired_timed_mean_us = 0, paired_difference = 0;
};
TouchLoopAgreement touch_loop_agreement(const BenchFile& file);

// Coefficient of variation (stddev / mean) of the per-fault mean over the
// repetitions of each benchmark with at least two; by name.
std::vector<std::pair<std::string, double>> repetition_cvs(const BenchFile& file);

// Name without Google Benchmark's fixed suffixes (/iterations:N/manual_time),
// keeping /threads:N: "BM_fault/fsdax_xfs/4k/write/nosync/first/threads:1".
std::string short_bench_name(const std::string& name);

}  // namespace dt::reports
