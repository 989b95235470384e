#pragma once
// Ratios of paired samples: sample i of both sides ran back to back (one call each, alternating), so
// drift of the machine hits both sides of a pair alike and cancels in their ratio. The summary is the
// median of the per-pair ratios, with a percentile bootstrap interval over the pairs.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "zoobench/stats/stats.hpp"

namespace zoobench::stats {

struct PairedRatio {
  std::size_t pairs = 0;        // pairs with a positive denominator
  double median = 0;            // median of numerator[i] / denominator[i]; 0 without pairs
  std::optional<Interval> ci95; // bootstrap over the pairs; nullopt below kMinPairsForInterval pairs
};

constexpr std::size_t kMinPairsForInterval = 10;

// numerator and denominator must be equally long (std::invalid_argument otherwise). Deterministic: the
// bootstrap's generator is seeded with `seed`.
PairedRatio paired_ratio(const std::vector<double>& numerator, const std::vector<double>& denominator,
                         std::uint64_t seed);

}  // namespace zoobench::stats
