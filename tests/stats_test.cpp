#include <gtest/gtest.h>

#include <cmath>

#include "zoobench/stats/stats.hpp"

namespace zoobench::stats {
namespace {

TEST(Stats, EmptyInputGivesZeros) {
  const std::vector<double> none;
  EXPECT_EQ(mean(none), 0);
  EXPECT_EQ(median(none), 0);
  EXPECT_EQ(zoo_mean(none), 0);
  EXPECT_EQ(stddev(none), 0);
  EXPECT_FALSE(median_ci95(none).has_value());
}

TEST(Stats, MedianSortsFirst) {
  // The zoo takes the middle of the unsorted list, which would give 1 here.
  EXPECT_DOUBLE_EQ(median({9, 7, 1, 3, 5}), 5);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({42}), 42);
}

TEST(Stats, ZooMeanDropsLargestTenPercent) {
  // n = 10: drop floor(10/10) = 1 largest (100); mean of 1..9 = 5.
  EXPECT_DOUBLE_EQ(zoo_mean({100, 1, 2, 3, 4, 5, 6, 7, 8, 9}), 5);
  // n = 9: drop nothing.
  EXPECT_DOUBLE_EQ(zoo_mean({1, 2, 3, 4, 5, 6, 7, 8, 90}), 14);
  // n = 20: drop the two largest.
  std::vector<double> twenty;
  for (int i = 1; i <= 18; ++i) twenty.push_back(1.0);
  twenty.push_back(50);
  twenty.push_back(60);
  EXPECT_DOUBLE_EQ(zoo_mean(twenty), 1.0);
}

TEST(Stats, MeanMinMax) {
  const std::vector<double> s = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(s), 5);
  EXPECT_DOUBLE_EQ(min(s), 2);
  EXPECT_DOUBLE_EQ(max(s), 9);
}

TEST(Stats, SampleStddevAndCv) {
  // Hand-computed: sum of squared deviations from 5 is 32; /(n-1)=32/7.
  const std::vector<double> s = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_NEAR(stddev(s), std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_NEAR(cv(s), std::sqrt(32.0 / 7.0) / 5.0, 1e-12);
  EXPECT_EQ(stddev({3}), 0);
  EXPECT_EQ(cv({0, 0}), 0);
}

TEST(Stats, NearestRankPercentile) {
  std::vector<double> s;
  for (int i = 1; i <= 100; ++i) s.push_back(i);
  EXPECT_DOUBLE_EQ(percentile(s, 90), 90);
  EXPECT_DOUBLE_EQ(percentile(s, 99), 99);
  EXPECT_DOUBLE_EQ(percentile(s, 100), 100);
  EXPECT_DOUBLE_EQ(percentile({5, 1, 3}, 50), 3);   // rank ceil(1.5) = 2 of {1,3,5}
  EXPECT_DOUBLE_EQ(percentile({5, 1, 3}, 1), 1);
}

TEST(Stats, SummaryOmitsPercentilesWithoutEnoughSamples) {
  const Summary few = summarize({1, 2, 3, 4, 5});
  EXPECT_EQ(few.n, 5u);
  EXPECT_FALSE(few.p90.has_value());
  EXPECT_FALSE(few.p99.has_value());
  EXPECT_FALSE(few.median_ci95.has_value());

  std::vector<double> many;
  for (int i = 1; i <= 100; ++i) many.push_back(i);
  const Summary s = summarize(many);
  ASSERT_TRUE(s.p90.has_value());
  ASSERT_TRUE(s.p99.has_value());
  EXPECT_DOUBLE_EQ(*s.p90, 90);
  EXPECT_DOUBLE_EQ(s.median, 50.5);
  EXPECT_DOUBLE_EQ(s.zoo_mean, 45.5);  // drop 91..100: mean of 1..90
}

TEST(Stats, MedianConfidenceIntervalBracketsTheMedian) {
  std::vector<double> s;
  for (int i = 1; i <= 100; ++i) s.push_back(i);
  const auto ci = median_ci95(s);
  ASSERT_TRUE(ci.has_value());
  // n=100: ranks 50 -+ 9.8 -> floor(40.2)=40 and ceil(60.8)=61.
  EXPECT_DOUBLE_EQ(ci->low, 40);
  EXPECT_DOUBLE_EQ(ci->high, 61);
  EXPECT_LE(ci->low, median(s));
  EXPECT_GE(ci->high, median(s));
}

}  // namespace
}  // namespace zoobench::stats
