// Known values of the Mann-Whitney U test, each worked out by hand below.
#include "reports/mann_whitney.h"

#include <gtest/gtest.h>

namespace dt::reports {
namespace {

TEST(MannWhitney, CompletelySeparatedSmallSamplesAreExact) {
  // a = {1,2,3}, b = {4,5,6}: no a exceeds any b, U = 0. Of the C(6,3) = 20
  // equally likely rank sets only one gives U = 0 (and one U = 9), so the
  // two-sided p = 2/20 = 0.1.
  MannWhitneyResult r = mann_whitney_u({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.p, 0.1, 1e-12);
}

TEST(MannWhitney, NineRepetitionsEachFullySeparated) {
  // The compare's usual case: 9 values a side, all of b above all of a.
  // p = 2 / C(18,9) = 2 / 48620 = 4.1135335e-5.
  std::vector<double> a, b;
  for (int i = 1; i <= 9; ++i) a.push_back(i), b.push_back(10 + i);
  MannWhitneyResult r = mann_whitney_u(a, b);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.p, 2.0 / 48620, 1e-12);
  // Swapping the samples gives U = m*n = 81 and the same p.
  MannWhitneyResult swapped = mann_whitney_u(b, a);
  EXPECT_DOUBLE_EQ(swapped.u, 81);
  EXPECT_NEAR(swapped.p, r.p, 1e-15);
}

TEST(MannWhitney, ExactTailCountsOneInversion) {
  // a = {1,2,4}, b = {3,5,6}: one pair (4 > 3), U = 1. Rank sets of the
  // first sample with U <= 1: {1,2,3} (U=0) and {1,2,4} (U=1): 2 of 20,
  // two-sided p = 2 * 2/20 = 0.2.
  MannWhitneyResult r = mann_whitney_u({1, 2, 4}, {3, 5, 6});
  EXPECT_DOUBLE_EQ(r.u, 1);
  EXPECT_NEAR(r.p, 0.2, 1e-12);
}

TEST(MannWhitney, IdenticalSamplesShowNoChange) {
  // Every value tied: variance 0 under the tie correction, p = 1.
  MannWhitneyResult r = mann_whitney_u({5, 5, 5, 5}, {5, 5, 5, 5});
  EXPECT_DOUBLE_EQ(r.u, 8);
  EXPECT_DOUBLE_EQ(r.p, 1);
  // A sample against itself: U = m*n/2 exactly, p = 1.
  std::vector<double> x = {3.1, 2.7, 4.4, 3.9, 2.2, 5.0, 3.3, 2.9, 4.1};
  EXPECT_NEAR(mann_whitney_u(x, x).p, 1.0, 1e-12);
}

TEST(MannWhitney, TiesUseTheCorrectedNormalApproximation) {
  // a = {1,2,2,3}, b = {2,3,4,5}. Pooled sorted: 1 2 2 2 3 3 4 5; mid-ranks
  // 1, 3, 3, 3, 5.5, 5.5, 7, 8. Rank sum of a = 1 + 3 + 3 + 5.5 = 12.5,
  // U = 12.5 - 4*5/2 = 2.5. Mean m*n/2 = 8. Ties: a group of 3 and one of 2,
  // sum(t^3 - t) = 24 + 6 = 30. Variance = 16/12 * (9 - 30/(8*7))
  // = 1.33333 * 8.464286 = 11.285714; sd = 3.359422.
  // z = (|2.5 - 8| - 0.5) / 3.359422 = 1.488351; p = erfc(z/sqrt 2) = 0.136658.
  MannWhitneyResult r = mann_whitney_u({1, 2, 2, 3}, {2, 3, 4, 5});
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 2.5);
  EXPECT_NEAR(r.p, 0.136658, 1e-5);
}

TEST(MannWhitney, EmptySampleGivesNoEvidence) {
  EXPECT_DOUBLE_EQ(mann_whitney_u({}, {1, 2}).p, 1);
}

}  // namespace
}  // namespace dt::reports
