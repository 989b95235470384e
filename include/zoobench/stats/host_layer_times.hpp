#pragma once
// The second per-layer source of a profile: OpenCV's own layer timer (Net::getPerfProfile after each
// forward). OpenCV wraps every layer's forward in a TickMeter on every backend; on the CUDA backend
// that is the HOST time of each layer (kernel launches, host work, CPU-fallback layers including the
// waits for their input copies), not the GPU's execution time. Each forward's per-layer sum is paired
// with that same forward's wall time, so drift between forwards cancels in the sum check.
#include <cstddef>
#include <string>
#include <vector>

#include "zoobench/stats/layer_profile.hpp"

namespace zoobench::profile {

// One whole forward: its wall time and getPerfProfile's ms per layer (execution order).
struct HostForward {
  double wall_ms = 0;
  std::vector<double> layer_ms;
};

struct HostLayerTimes {
  std::size_t forwards = 0;
  std::vector<double> layer_ms;  // median per layer over the forwards
  double sum_ms = 0;             // median over forwards of the per-layer sum
  double wall_ms = 0;            // median over forwards of the wall time
  // Median over forwards of (wall - sum) / wall: what the layer timer does not see (the final
  // synchronisation, the output copies, the forward call's own cost). Positive when wall > sum.
  double relative_gap = 0;
  double gap_ms = 0;  // median over forwards of wall - sum
  double tolerance = 0;
  bool within = false;  // |relative_gap| <= tolerance
  // Why there is no table, when there is none: forwards disagree with the net's layer count, or the
  // timer gave only zeros (an OpenCV whose backend does not time its layers).
  std::string unavailable;
};

// Summarises paired forwards of a net with `layer_count` layers. Forwards whose layer count differs
// are ignored; when none is left, or every layer time is zero, `unavailable` says why.
HostLayerTimes summarise_host_forwards(const std::vector<HostForward>& forwards, std::size_t layer_count,
                                       double tolerance);

// One single-layer segment per layer, carrying the host time, so that the segment arithmetic
// (costliest, time_by_type, fallback_costs) serves the host timer too.
std::vector<Segment> host_segments(const std::vector<LayerInfo>& layers, const std::vector<double>& layer_ms);

// Sum of the host times of the layers that fell back to the CPU.
double fallback_host_ms(const std::vector<LayerInfo>& layers, const std::vector<double>& layer_ms);

}  // namespace zoobench::profile
