#include "workloads/bench/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dt::bench {

double percentile_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

LatencySummary summarize(std::vector<double>& samples) {
  LatencySummary summary;
  summary.count = samples.size();
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  summary.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  summary.p50 = percentile_sorted(samples, 50);
  summary.p99 = percentile_sorted(samples, 99);
  summary.max = samples.back();
  return summary;
}

}  // namespace dt::bench
