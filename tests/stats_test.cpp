#include <gtest/gtest.h>

#include <cmath>

#include "zoobench/stats/stats.hpp"
#include "zoobench/stats/trials.hpp"

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

// ---- trials (stats/trials.hpp) ----

// 11 samples within +-0.005 of `centre` (offsets -5..5 thousandths once each, scrambled): median `centre`.
std::vector<double> tight(double centre) {
  std::vector<double> s;
  for (int i = 0; i < 11; ++i) s.push_back(centre + 0.001 * ((i * 7) % 11 - 5));
  return s;
}

TEST(Trials, PairedIntervalCancelsDriftThatHitBothSidesAlike) {
  // The machine slowed down between trials, the CPU and the GPU alike: every trial's ratio is 2.
  const Trials cpu = {tight(10), tight(20), tight(30)};
  const Trials gpu = {tight(5), tight(10), tight(15)};
  ASSERT_DOUBLE_EQ(median_of_medians(cpu) / median_of_medians(gpu), 2.0);
  const auto paired = bootstrap_paired_ratio_ci95(cpu, gpu, 42);
  ASSERT_TRUE(paired);
  // Whatever trials a replicate draws, it draws the same for both sides: the ratio stays within the
  // samples' own spread, (10 - 0.005) / (5 + 0.005) = 1.997 to (10 + 0.005) / (5 - 0.005) = 2.003.
  EXPECT_LE(paired->low, 2.0);
  EXPECT_GE(paired->high, 2.0);
  EXPECT_GT(paired->low, 1.99);
  EXPECT_LT(paired->high, 2.01);
  // Resampled independently, a replicate can pair slow CPU trials with fast GPU ones: the median of
  // three draws is trial 1's with probability 7/27 (two or more draws of it), so 10/15 = 0.67 and
  // 30/5 = 6 each come with probability (7/27)^2 = 6.7%, more than the 2.5% in each tail.
  const auto independent = bootstrap_ratio_ci95(cpu, gpu, 42);
  ASSERT_TRUE(independent);
  EXPECT_NEAR(independent->low, 10.0 / 15.0, 0.01);
  EXPECT_NEAR(independent->high, 6.0, 0.02);
}

TEST(Trials, ReportedSpeedUpIntervalIsPairedOnlyForInterleavedTrials) {
  // speedup_interval is what the rows carry: the envelope of a bootstrap and a t interval. Paired, the
  // per-trial ratios are all exactly 2 (t half-width 0), so the bootstrap's 1.997-2.003 is the envelope.
  const Trials cpu = {tight(10), tight(20), tight(30)};
  const Trials gpu = {tight(5), tight(10), tight(15)};
  const auto paired = speedup_interval(cpu, gpu, true, 42);
  ASSERT_TRUE(paired);
  EXPECT_GT(paired->low, 1.99);
  EXPECT_LT(paired->high, 2.01);
  const auto t_part = paired_ratio_t_ci95(cpu, gpu);
  ASSERT_TRUE(t_part);
  EXPECT_NEAR(t_part->low, 2.0, 1e-9);
  EXPECT_NEAR(t_part->high, 2.0, 1e-9);
  // Unpaired (a baseline file), the drift is between-trial spread on both sides: Welch's t on the logs
  // (standard error sqrt(2/3 var(ln 10, ln 20, ln 30)) = 0.454, t(4) = 2.776) gives 2 exp(-+1.26) = 0.57-7.05.
  const auto unpaired = speedup_interval(cpu, gpu, false, 42);
  ASSERT_TRUE(unpaired);
  EXPECT_LT(unpaired->low, 0.6);
  EXPECT_GT(unpaired->high, 7.0);
}

TEST(Trials, PairedIntervalOfConstantTrialsByHand) {
  // Samples constant within trials, so each replicate is fixed by the trial indices drawn (once, for both
  // sides): (1, 1) 10/4 = 2.5, (2, 2) 14/6 = 2.33, (1, 2) and (2, 1) 12/5 = 2.4, with probabilities 1/4,
  // 1/4, 1/2. Both extremes hold far more than 2.5%: the interval is 2.33-2.50.
  const Trials cpu = {{10, 10, 10}, {14, 14, 14}};
  const Trials gpu = {{4, 4, 4}, {6, 6, 6}};
  const auto paired = bootstrap_paired_ratio_ci95(cpu, gpu, 7);
  ASSERT_TRUE(paired);
  EXPECT_DOUBLE_EQ(paired->low, 14.0 / 6.0);
  EXPECT_DOUBLE_EQ(paired->high, 2.5);
  // Independently: {10, 12, 14} / {4, 5, 6}, the extremes 10/6 and 14/4 each with probability 1/16.
  const auto independent = bootstrap_ratio_ci95(cpu, gpu, 7);
  ASSERT_TRUE(independent);
  EXPECT_DOUBLE_EQ(independent->low, 10.0 / 6.0);
  EXPECT_DOUBLE_EQ(independent->high, 3.5);
}

TEST(Trials, PairedIntervalFallsBackToTheIndependentOneWhenTrialsDoNotPair) {
  const Trials cpu = {tight(10), tight(20), tight(30)};
  const Trials two_gpu = {tight(5), tight(10)};
  const auto fallback = bootstrap_paired_ratio_ci95(cpu, two_gpu, 42);
  const auto independent = bootstrap_ratio_ci95(cpu, two_gpu, 42);
  ASSERT_TRUE(fallback && independent);
  EXPECT_EQ(fallback->low, independent->low) << "unequal trial counts: the independent interval, same seed";
  EXPECT_EQ(fallback->high, independent->high);
  EXPECT_LT(fallback->low, 1.5) << "and so not the tight paired one";

  // A trial without samples (it failed) cannot be paired either.
  const Trials gaps = {tight(5), {}, tight(15)};
  const auto with_gap = bootstrap_paired_ratio_ci95(cpu, gaps, 42);
  const auto gap_independent = bootstrap_ratio_ci95(cpu, gaps, 42);
  ASSERT_TRUE(with_gap && gap_independent);
  EXPECT_EQ(with_gap->low, gap_independent->low);
  EXPECT_EQ(with_gap->high, gap_independent->high);

  EXPECT_FALSE(bootstrap_paired_ratio_ci95(cpu, {}, 42)) << "no samples on one side: no interval";
  EXPECT_FALSE(bootstrap_paired_ratio_ci95({}, {}, 42));
}

TEST(Trials, PairedIntervalIsDeterministicForASeed) {
  // Trials with their own spread, so that the interval depends on every draw.
  const Trials cpu = {tight(10), tight(10.4), tight(9.7)};
  const Trials gpu = {tight(5.1), tight(4.9), tight(5.3)};
  const auto a = bootstrap_paired_ratio_ci95(cpu, gpu, 1234);
  const auto b = bootstrap_paired_ratio_ci95(cpu, gpu, 1234);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->low, b->low);
  EXPECT_EQ(a->high, b->high);
  EXPECT_LT(a->low, a->high);
}

TEST(Trials, StabilityIsNotAssessedWithFewerThanTwoAssessableTrials) {
  EXPECT_FALSE(trials_disagree({}).has_value());
  EXPECT_FALSE(trials_disagree({tight(10)}).has_value()) << "one trial";
  // Two trials, but one has 5 samples: too few for its median interval (6 needed).
  EXPECT_FALSE(trials_disagree({tight(10), {20, 20, 20, 20, 20}}).has_value());
  EXPECT_FALSE(trials_disagree({{10, 10, 10}, {20, 20, 20}}).has_value()) << "3 samples each";
  // With two assessable trials there is a verdict, whichever way it goes.
  const auto apart = trials_disagree({tight(10), tight(20), {1, 2, 3}});
  ASSERT_TRUE(apart.has_value()) << "the third trial is too short, the other two still count";
  EXPECT_TRUE(*apart);
  const auto together = trials_disagree({tight(10), tight(10.001)});
  ASSERT_TRUE(together.has_value());
  EXPECT_FALSE(*together);
}

// Trial medians that overflow to infinity (samples near DBL_MAX) have no spread to speak of: no interval,
// and no NaN degrees of freedom cast to int on the way (undefined; UBSan in the --sanitize suite).
TEST(Trials, WelchIntervalOfInfiniteMediansIsAbsentNotUndefined) {
  const Trials overflowing = {{1e308, 1.7e308}, {1.0}};
  const Trials steady = {{1.0}, {1.0}, {1.0}};
  EXPECT_FALSE(welch_ratio_t_ci95(overflowing, steady).has_value());
  // Every bootstrap replicate is infinite: none is kept, so there is no interval (not one from inf to inf).
  EXPECT_FALSE(bootstrap_ratio_interval({{1e308, 1.7e308}}, {{1.0}}, 7, 0.05).has_value());
}

}  // namespace
}  // namespace zoobench::stats
