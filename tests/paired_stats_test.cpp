// The paired ratio of zoo-bench-overhead: median of per-pair ratios with a two-level bootstrap interval
// (rounds, then pairs), on synthetic samples where the answer is known.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "zoobench/stats/paired.hpp"

namespace zoobench::stats {
namespace {

// `rounds` rounds of `n` pairs; pair i of round r: bare = base(r, i), zoo = bare * ratio(r, i).
template <typename Base, typename Ratio>
std::pair<Trials, Trials> make_rounds(int rounds, int n, Base base, Ratio ratio) {
  Trials zoo(static_cast<std::size_t>(rounds)), bare(static_cast<std::size_t>(rounds));
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < n; ++i) {
      bare[static_cast<std::size_t>(r)].push_back(base(r, i));
      zoo[static_cast<std::size_t>(r)].push_back(base(r, i) * ratio(r, i));
    }
  }
  return {zoo, bare};
}

TEST(PairedRatio, DriftThatHitsBothSidesOfAPairCancels) {
  // The machine slows from 1 ms to 3 ms a call; every zoo call is 0.5% slower than its bare neighbour.
  const auto [zoo, bare] = make_rounds(4, 100, [](int r, int i) { return 1.0 + 2.0 * (r * 100 + i) / 399.0; },
                                       [](int, int) { return 1.005; });
  const PairedRatio p = paired_ratio(zoo, bare, 7);
  EXPECT_EQ(p.pairs, 400u);
  EXPECT_NEAR(p.median, 1.005, 1e-12);
  ASSERT_TRUE(p.ci95.has_value());
  EXPECT_NEAR(p.ci95->low, 1.005, 1e-12);
  EXPECT_NEAR(p.ci95->high, 1.005, 1e-12);
}

TEST(PairedRatio, RoundsThatShiftAllTheirPairsWidenTheInterval) {
  // No noise within a round, but the rounds disagree (0.96 .. 1.04): a bootstrap over the pairs alone
  // would give a point; resampling the rounds shows that another run may land elsewhere.
  const double shift[] = {0.96, 1.0, 1.04, 1.0, 0.98, 1.02};
  const auto [zoo, bare] = make_rounds(6, 200, [](int, int) { return 2.0; },
                                       [&](int r, int) { return shift[r]; });
  const PairedRatio p = paired_ratio(zoo, bare, 3);
  EXPECT_DOUBLE_EQ(p.median, 1.0);
  ASSERT_TRUE(p.ci95.has_value());
  EXPECT_LT(p.ci95->low, 0.995);
  EXPECT_GT(p.ci95->high, 1.005);
  EXPECT_GE(p.ci95->low, 0.96);
  EXPECT_LE(p.ci95->high, 1.04);
}

TEST(PairedRatio, TheIntervalCoversTheMedianAndNarrowsWithMorePairs) {
  const double ratios[] = {0.98, 1.0, 1.02};  // alternating within every round: median 1.00
  const auto ratio = [&](int, int i) { return ratios[i % 3]; };
  const auto [zoo_few, bare_few] = make_rounds(2, 6, [](int, int) { return 2.0; }, ratio);
  const auto [zoo_many, bare_many] = make_rounds(10, 300, [](int, int) { return 2.0; }, ratio);
  const PairedRatio few = paired_ratio(zoo_few, bare_few, 1), many = paired_ratio(zoo_many, bare_many, 1);
  ASSERT_TRUE(few.ci95 && many.ci95);
  EXPECT_DOUBLE_EQ(few.median, 1.0);
  EXPECT_LE(few.ci95->low, 1.0);
  EXPECT_GE(few.ci95->high, 1.0);
  EXPECT_GE(few.ci95->high - few.ci95->low, many.ci95->high - many.ci95->low);
  EXPECT_DOUBLE_EQ(many.ci95->low, 1.0);  // a third of 3000 pairs at each value: the median stays put
  EXPECT_DOUBLE_EQ(many.ci95->high, 1.0);
}

TEST(PairedRatio, TooFewPairsOrOneRoundGiveNoInterval) {
  const PairedRatio few = paired_ratio({{1, 2}, {3}}, {{1, 1}, {1}}, 1);
  EXPECT_EQ(few.pairs, 3u);
  EXPECT_DOUBLE_EQ(few.median, 2.0);
  EXPECT_FALSE(few.ci95.has_value());
  const PairedRatio one_round = paired_ratio({std::vector<double>(50, 2.0)}, {std::vector<double>(50, 1.0)}, 1);
  EXPECT_DOUBLE_EQ(one_round.median, 2.0);
  EXPECT_FALSE(one_round.ci95.has_value()) << "one round says nothing about the next";
}

TEST(PairedRatio, UnequalSidesAreRefused) {
  EXPECT_THROW(paired_ratio({{1, 2}}, {{1}}, 1), std::invalid_argument);
  EXPECT_THROW(paired_ratio({{1}}, {{1}, {1}}, 1), std::invalid_argument);
}

}  // namespace
}  // namespace zoobench::stats
