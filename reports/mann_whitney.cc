#include "reports/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace dt::reports {

namespace {
// Number of ways to pick `m` of `m + n` ranks with rank-sum-derived U = u,
// for every u, by the recurrence c(m, n, u) = c(m-1, n, u-n) + c(m, n-1, u):
// the largest rank belongs to the first sample (adding n to U) or not.
std::vector<double> u_distribution(int m, int n) {
  // table[j][u] for the current m, j = 0..n
  std::vector<std::vector<double>> prev(n + 1, std::vector<double>(1, 1.0));  // m = 0: U = 0
  for (int i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> cur(n + 1);
    for (int j = 0; j <= n; ++j) {
      cur[j].assign(i * j + 1, 0.0);
      for (int u = 0; u <= i * j; ++u) {
        double count = 0;
        if (u - j >= 0 && u - j < static_cast<int>(prev[j].size())) count += prev[j][u - j];
        if (j > 0 && u < static_cast<int>(cur[j - 1].size())) count += cur[j - 1][u];
        cur[j][u] = count;
      }
    }
    prev = std::move(cur);
  }
  return prev[n];
}
}  // namespace

MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitneyResult result;
  const size_t m = a.size(), n = b.size();
  if (m == 0 || n == 0) return result;

  // Mid-ranks over the pooled sample; tie groups feed the variance correction.
  std::vector<std::pair<double, int>> pooled;
  for (double x : a) pooled.push_back({x, 0});
  for (double y : b) pooled.push_back({y, 1});
  std::sort(pooled.begin(), pooled.end());
  const size_t total = pooled.size();
  double rank_sum_a = 0, tie_term = 0;
  bool ties = false;
  for (size_t i = 0; i < total;) {
    size_t j = i;
    while (j < total && pooled[j].first == pooled[i].first) ++j;
    const double group = static_cast<double>(j - i);
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k)
      if (pooled[k].second == 0) rank_sum_a += mid_rank;
    if (group > 1) {
      ties = true;
      tie_term += group * group * group - group;
    }
    i = j;
  }
  const double dm = static_cast<double>(m), dn = static_cast<double>(n);
  result.u = rank_sum_a - dm * (dm + 1) / 2;

  if (!ties && m <= 20 && n <= 20) {
    // Two-sided: twice the smaller tail, capped at 1.
    std::vector<double> counts = u_distribution(static_cast<int>(m), static_cast<int>(n));
    double all = 0;
    for (double c : counts) all += c;
    const int u = static_cast<int>(std::lround(result.u));
    const int low = std::min(u, static_cast<int>(m * n) - u);
    double tail = 0;
    for (int k = 0; k <= low; ++k) tail += counts[k];
    result.p = std::min(1.0, 2 * tail / all);
    result.exact = true;
    return result;
  }
  const double mean = dm * dn / 2;
  const double variance =
      dm * dn / 12 * ((dm + dn + 1) - tie_term / ((dm + dn) * (dm + dn - 1)));
  if (variance <= 0) return result;  // every value equal: no evidence of a change
  const double z = std::max(0.0, std::fabs(result.u - mean) - 0.5) / std::sqrt(variance);
  result.p = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return result;
}

}  // namespace dt::reports
