#pragma once
// Ratios of paired samples: sample i of both sides ran back to back (one call each, alternating), so
// drift of the machine hits both sides of a pair alike and cancels in their ratio. The summary is the
// median of the per-pair ratios. Pairs come in rounds (zoo-bench-overhead: one model load each), and a
// round can shift all its pairs alike (YuNet 160x120 on OpenCV 4.10: round ratios 0.957-1.014), so the
// interval is a two-level bootstrap: rounds resampled with replacement, then pairs within each round.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "zoobench/stats/stats.hpp"
#include "zoobench/stats/trials.hpp"

namespace zoobench::stats {

struct PairedRatio {
  std::size_t pairs = 0;        // pairs with a positive denominator, over all rounds
  double median = 0;            // median of numerator / denominator over all pairs; 0 without pairs
  std::optional<Interval> ci95; // nullopt below 2 rounds with pairs or below kMinPairsForInterval pairs
};

constexpr std::size_t kMinPairsForInterval = 10;

// numerator[r][i] pairs with denominator[r][i]: both must have the same rounds with the same sizes
// (std::invalid_argument otherwise). Deterministic: the bootstrap's generator is seeded with `seed`.
PairedRatio paired_ratio(const Trials& numerator, const Trials& denominator, std::uint64_t seed);

}  // namespace zoobench::stats
