#pragma once
// Summary statistics over timing samples (milliseconds). Free functions over a vector, edge cases
// stated here; Summary bundles them for the reporters, which never compute statistics themselves.
#include <cstddef>
#include <optional>
#include <vector>

namespace zoobench::stats {

// Arithmetic mean; 0 for an empty vector.
double mean(const std::vector<double>& samples);

// The zoo-compatible mean: drop the largest floor(n/10) samples, then the arithmetic mean
// (opencv_zoo utils/metrics/base_metric.py). 0 for an empty vector.
double zoo_mean(const std::vector<double>& samples);

// The true median of the sorted samples (the mean of the two middle ones when n is even);
// 0 for an empty vector. (The zoo takes the middle of the unsorted list, which is a bug.)
double median(const std::vector<double>& samples);

double min(const std::vector<double>& samples);  // 0 for an empty vector
double max(const std::vector<double>& samples);  // 0 for an empty vector

// Nearest-rank percentile, p in (0, 100]: the smallest sample with at least p% of the samples at or
// below it. 0 for an empty vector.
double percentile(const std::vector<double>& samples, double p);

// Sample standard deviation (n-1 denominator); 0 when n < 2.
double stddev(const std::vector<double>& samples);

// Coefficient of variation stddev/mean; 0 when the mean is 0.
double cv(const std::vector<double>& samples);

// Distribution-free confidence interval of the median from order statistics (binomial, normal
// approximation), at 95%. Needs n >= 6; nullopt below that.
struct Interval {
  double low = 0;
  double high = 0;
};
std::optional<Interval> median_ci95(const std::vector<double>& samples);

// Percentiles are reported only when there are enough samples for them to mean something:
// p90 needs 10 samples, p99 needs 100.
constexpr std::size_t kMinSamplesP90 = 10;
constexpr std::size_t kMinSamplesP99 = 100;

struct Summary {
  std::size_t n = 0;
  double min = 0;
  double max = 0;
  double mean = 0;
  double zoo_mean = 0;
  double median = 0;
  double stddev = 0;
  double cv = 0;
  std::optional<double> p90;
  std::optional<double> p99;
  std::optional<Interval> median_ci95;
};

Summary summarize(const std::vector<double>& samples);

}  // namespace zoobench::stats
