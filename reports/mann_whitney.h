// The Mann-Whitney U test (Wilcoxon rank-sum): do two samples come from the
// same distribution? Used by 'daxtorture bench --compare' over the
// repetitions of one benchmark on two kernels, as Google Benchmark's
// compare.py does, without its scipy dependency.
#pragma once

#include <vector>

namespace dt::reports {

struct MannWhitneyResult {
  double u = 0;        // U of the first sample: pairs (a, b) with a > b, ties count 1/2
  double p = 1;        // two-sided p-value
  bool exact = false;  // from the exact null distribution (small samples, no ties)
};

// Exact p-value when both samples have at most 20 values and there are no
// ties; otherwise the normal approximation with tie correction and a
// continuity correction of 1/2. Empty samples give p = 1.
MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace dt::reports
