#include "zoobench/stats/paired.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "zoobench/stats/trials.hpp"

namespace zoobench::stats {

PairedRatio paired_ratio(const std::vector<double>& numerator, const std::vector<double>& denominator,
                         std::uint64_t seed) {
  if (numerator.size() != denominator.size()) {
    throw std::invalid_argument("paired_ratio: both sides need equally many samples");
  }
  std::vector<double> ratios;
  ratios.reserve(numerator.size());
  for (std::size_t i = 0; i < numerator.size(); ++i) {
    if (denominator[i] > 0) ratios.push_back(numerator[i] / denominator[i]);
  }
  PairedRatio out;
  out.pairs = ratios.size();
  out.median = median(ratios);
  if (ratios.size() < kMinPairsForInterval) return out;

  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, ratios.size() - 1);
  std::vector<double> replicate(ratios.size()), medians;
  medians.reserve(kBootstrapReplicates);
  for (int b = 0; b < kBootstrapReplicates; ++b) {
    for (double& r : replicate) r = ratios[pick(rng)];
    medians.push_back(median(replicate));
  }
  std::sort(medians.begin(), medians.end());
  // Percentile interval: the 2.5th and 97.5th of the replicates.
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::lround(q * static_cast<double>(medians.size() - 1)));
    return medians[i];
  };
  out.ci95 = Interval{at(0.025), at(0.975)};
  return out;
}

}  // namespace zoobench::stats
