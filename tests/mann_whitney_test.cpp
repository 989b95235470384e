// The Mann-Whitney U rank test of `compare --test mwu`, against values worked out by hand: U by counting
// pairs, the exact p from the C(m+n, m) orderings, the normal approximation with tie and continuity correction.
#include <gtest/gtest.h>

#include <vector>

#include "zoobench/stats/rank_test.hpp"

namespace zoobench::stats {
namespace {

TEST(MannWhitney, SmallSamplesWithoutTiesGetTheExactP) {
  // Every a below every b: U = 0, and only 1 of the C(6, 3) = 20 orderings is that extreme on each side.
  const RankTest low = mann_whitney_u({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(low.exact);
  EXPECT_DOUBLE_EQ(low.u, 0);
  EXPECT_NEAR(low.p, 0.1, 1e-12);
  const RankTest high = mann_whitney_u({4, 5, 6}, {1, 2, 3});
  EXPECT_DOUBLE_EQ(high.u, 9);
  EXPECT_NEAR(high.p, 0.1, 1e-12);
  // a = {1, 3, 5}, b = {2, 4, 6, 7}: U = 3 (3 > 2, 5 > 2, 5 > 4); 7 of the 35 orderings have U <= 3.
  const RankTest mixed = mann_whitney_u({1, 3, 5}, {2, 4, 6, 7});
  EXPECT_TRUE(mixed.exact);
  EXPECT_DOUBLE_EQ(mixed.u, 3);
  EXPECT_NEAR(mixed.p, 2.0 * 7.0 / 35.0, 1e-12);
}

TEST(MannWhitney, TiesUseMeanRanksAndTheTieCorrectedNormalApproximation) {
  // 8 and 8 with ties (groups 10 x3, 11 x3, 12 x3, 13 x3, 9 x1 ...): U = 47 (a tie counts 1/2),
  // sum(t^3 - t) = 96, var = 8 * 8 / 12 * (17 - 96 / 240) = 88.5333, z = (47 - 32 - 0.5) / sqrt(var).
  const std::vector<double> a = {10, 11, 11, 12, 13, 13, 13, 15};
  const std::vector<double> b = {9, 10, 10, 11, 12, 12, 14, 9.5};
  const RankTest t = mann_whitney_u(a, b);
  EXPECT_FALSE(t.exact);
  EXPECT_DOUBLE_EQ(t.u, 47);
  EXPECT_NEAR(t.z, 1.5410424221895878, 1e-12);
  EXPECT_NEAR(t.p, 0.1233064616162087, 1e-12);
  // The other way round: U' = 64 - 47, the same p.
  const RankTest back = mann_whitney_u(b, a);
  EXPECT_DOUBLE_EQ(back.u, 17);
  EXPECT_NEAR(back.z, -t.z, 1e-12);
  EXPECT_NEAR(back.p, t.p, 1e-12);
}

TEST(MannWhitney, AClearShiftOfManySamplesIsSignificantAndEqualSamplesAreNot) {
  std::vector<double> base, slower;
  for (int i = 0; i < 36; ++i) {
    base.push_back(10.0 + 0.01 * i);
    slower.push_back(12.0 + 0.01 * i);
  }
  const RankTest shifted = mann_whitney_u(slower, base);
  EXPECT_DOUBLE_EQ(shifted.u, 36.0 * 36.0);
  EXPECT_LT(shifted.p, 1e-10);
  const RankTest same = mann_whitney_u(base, base);
  EXPECT_DOUBLE_EQ(same.u, 36.0 * 36.0 / 2.0);
  EXPECT_DOUBLE_EQ(same.p, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney_u({}, base).p, 1.0);
}

}  // namespace
}  // namespace zoobench::stats
