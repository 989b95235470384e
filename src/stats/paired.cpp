#include "zoobench/stats/paired.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace zoobench::stats {

PairedRatio paired_ratio(const Trials& numerator, const Trials& denominator, std::uint64_t seed) {
  if (numerator.size() != denominator.size()) {
    throw std::invalid_argument("paired_ratio: both sides need the same rounds");
  }
  Trials rounds;  // the ratios of each round with pairs
  std::vector<double> all;
  for (std::size_t r = 0; r < numerator.size(); ++r) {
    if (numerator[r].size() != denominator[r].size()) {
      throw std::invalid_argument("paired_ratio: both sides need equally many samples in each round");
    }
    std::vector<double> ratios;
    for (std::size_t i = 0; i < numerator[r].size(); ++i) {
      if (denominator[r][i] > 0) ratios.push_back(numerator[r][i] / denominator[r][i]);
    }
    all.insert(all.end(), ratios.begin(), ratios.end());
    if (!ratios.empty()) rounds.push_back(std::move(ratios));
  }
  PairedRatio out;
  out.pairs = all.size();
  out.median = median(all);
  if (rounds.size() < 2 || all.size() < kMinPairsForInterval) return out;

  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick_round(0, rounds.size() - 1);
  std::vector<double> replicate, medians;
  replicate.reserve(all.size() * 2);
  medians.reserve(kBootstrapReplicates);
  for (int b = 0; b < kBootstrapReplicates; ++b) {
    replicate.clear();
    for (std::size_t k = 0; k < rounds.size(); ++k) {
      const std::vector<double>& round = rounds[pick_round(rng)];
      std::uniform_int_distribution<std::size_t> pick(0, round.size() - 1);
      for (std::size_t i = 0; i < round.size(); ++i) replicate.push_back(round[pick(rng)]);
    }
    medians.push_back(median(replicate));
  }
  std::sort(medians.begin(), medians.end());
  // Percentile interval: the 2.5th and 97.5th of the replicates.
  const auto at = [&](double q) {
    return medians[static_cast<std::size_t>(std::lround(q * static_cast<double>(medians.size() - 1)))];
  };
  out.ci95 = Interval{at(0.025), at(0.975)};
  return out;
}

}  // namespace zoobench::stats
