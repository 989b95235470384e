// The paired ratio of zoo-bench-overhead: median of per-pair ratios with a bootstrap interval over the
// pairs, on synthetic samples where the answer is known.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "zoobench/stats/paired.hpp"

namespace zoobench::stats {
namespace {

TEST(PairedRatio, DriftThatHitsBothSidesOfAPairCancels) {
  // Both sides drift from 1 ms to 3 ms; every zoo call is 0.5% slower than its bare neighbour.
  std::vector<double> bare, zoo;
  for (int i = 0; i < 400; ++i) {
    const double drift = 1.0 + 2.0 * i / 399.0;
    bare.push_back(drift);
    zoo.push_back(drift * 1.005);
  }
  const PairedRatio r = paired_ratio(zoo, bare, 7);
  EXPECT_EQ(r.pairs, 400u);
  EXPECT_NEAR(r.median, 1.005, 1e-12);
  ASSERT_TRUE(r.ci95.has_value());
  EXPECT_NEAR(r.ci95->low, 1.005, 1e-12);
  EXPECT_NEAR(r.ci95->high, 1.005, 1e-12);
}

TEST(PairedRatio, TheIntervalCoversTheMedianAndNarrowsWithMorePairs) {
  // Ratios alternate 0.98 / 1.00 / 1.02 (median 1.00).
  const auto make = [](int n, std::vector<double>& zoo, std::vector<double>& bare) {
    const double ratios[] = {0.98, 1.0, 1.02};
    for (int i = 0; i < n; ++i) {
      bare.push_back(2.0);
      zoo.push_back(2.0 * ratios[i % 3]);
    }
  };
  std::vector<double> zoo_few, bare_few, zoo_many, bare_many;
  make(12, zoo_few, bare_few);
  make(3000, zoo_many, bare_many);
  const PairedRatio few = paired_ratio(zoo_few, bare_few, 1), many = paired_ratio(zoo_many, bare_many, 1);
  ASSERT_TRUE(few.ci95 && many.ci95);
  EXPECT_DOUBLE_EQ(few.median, 1.0);
  EXPECT_LE(few.ci95->low, 1.0);
  EXPECT_GE(few.ci95->high, 1.0);
  EXPECT_LT(few.ci95->high, 1.0201);
  EXPECT_GE(few.ci95->high - few.ci95->low, many.ci95->high - many.ci95->low);
  EXPECT_DOUBLE_EQ(many.ci95->low, 1.0);  // a third of 3000 pairs at each value: the median stays put
  EXPECT_DOUBLE_EQ(many.ci95->high, 1.0);
}

TEST(PairedRatio, TooFewPairsGiveNoInterval) {
  const PairedRatio r = paired_ratio({1, 2, 3}, {1, 1, 1}, 1);
  EXPECT_EQ(r.pairs, 3u);
  EXPECT_DOUBLE_EQ(r.median, 2.0);
  EXPECT_FALSE(r.ci95.has_value());
}

TEST(PairedRatio, UnequalSidesAreRefused) {
  EXPECT_THROW(paired_ratio({1, 2}, {1}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace zoobench::stats
