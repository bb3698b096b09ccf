// Summary of per-fault latency samples as the bench reports them: mean,
// median, 99th percentile and maximum.
#pragma once

#include <cstddef>
#include <vector>

namespace dt::bench {

struct LatencySummary {
  double mean = 0, p50 = 0, p99 = 0, max = 0;
  size_t count = 0;
};

// Nearest-rank percentiles (the smallest sample with at least p % of the
// samples at or below it): every reported figure is a latency that was
// really measured. Sorts `samples`.
LatencySummary summarize(std::vector<double>& samples);

// Nearest-rank percentile of sorted samples, p in (0, 100].
double percentile_sorted(const std::vector<double>& sorted, double p);

}  // namespace dt::bench
