#include "zoobench/stats/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zoobench::stats {

namespace {
std::vector<double> sorted_copy(const std::vector<double>& samples) {
  std::vector<double> sorted(samples);
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}
}  // namespace

double mean(const std::vector<double>& samples) {
  if (samples.empty()) return 0;
  return std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
}

double zoo_mean(const std::vector<double>& samples) {
  if (samples.empty()) return 0;
  const std::vector<double> sorted = sorted_copy(samples);
  const std::size_t keep = sorted.size() - sorted.size() / 10;
  return std::accumulate(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(keep), 0.0) /
         static_cast<double>(keep);
}

double median(const std::vector<double>& samples) {
  if (samples.empty()) return 0;
  const std::vector<double> sorted = sorted_copy(samples);
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
}

double min(const std::vector<double>& samples) {
  return samples.empty() ? 0 : *std::min_element(samples.begin(), samples.end());
}

double max(const std::vector<double>& samples) {
  return samples.empty() ? 0 : *std::max_element(samples.begin(), samples.end());
}

double percentile(const std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  const std::vector<double> sorted = sorted_copy(samples);
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t index = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
  return sorted[index];
}

double stddev(const std::vector<double>& samples) {
  if (samples.size() < 2) return 0;
  const double m = mean(samples);
  double sum_sq = 0;
  for (double s : samples) sum_sq += (s - m) * (s - m);
  return std::sqrt(sum_sq / static_cast<double>(samples.size() - 1));
}

double cv(const std::vector<double>& samples) {
  const double m = mean(samples);
  return m == 0 ? 0 : stddev(samples) / m;
}

std::optional<Interval> median_ci95(const std::vector<double>& samples) {
  const std::size_t n = samples.size();
  if (n < 6) return std::nullopt;
  // Ranks n/2 -+ 1.96*sqrt(n)/2 (1-based), rounded outwards so the coverage is at least 95%.
  const double half_width = 1.96 * std::sqrt(static_cast<double>(n)) / 2.0;
  const double centre = static_cast<double>(n) / 2.0;
  const auto low_rank = static_cast<std::size_t>(std::max(1.0, std::floor(centre - half_width)));
  const auto high_rank = static_cast<std::size_t>(
      std::min(static_cast<double>(n), std::ceil(centre + half_width + 1.0)));
  const std::vector<double> sorted = sorted_copy(samples);
  return Interval{sorted[low_rank - 1], sorted[high_rank - 1]};
}

Summary summarize(const std::vector<double>& samples) {
  Summary s;
  s.n = samples.size();
  s.min = min(samples);
  s.max = max(samples);
  s.mean = mean(samples);
  s.zoo_mean = zoo_mean(samples);
  s.median = median(samples);
  s.stddev = stddev(samples);
  s.cv = cv(samples);
  if (s.n >= kMinSamplesP90) s.p90 = percentile(samples, 90);
  if (s.n >= kMinSamplesP99) s.p99 = percentile(samples, 99);
  s.median_ci95 = median_ci95(samples);
  return s;
}

}  // namespace zoobench::stats
