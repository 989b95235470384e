#pragma once
// What bounds a forward on the GPU, with its evidence: GPU-BOUND when the GPU is busy at least half
// of the forward's wall time, else HOST-BOUND, split by whether the host time of the layers that fell
// back to the CPU (OpenCV's layer timer, stats/host_layer_times.hpp) covers most of the GPU's idle
// time or whether launches and OpenCV's own host work do. And what recording GPU activity costs.
#include <cstddef>
#include <vector>

#include "zoobench/stats/layer_profile.hpp"

namespace zoobench::profile {

// HostBound: the GPU idles, and whether fallback layers or launches cause it is not known.
// HostBoundMixed: the fallback layers cover a fifth to a half of the GPU's idle time, launches the rest.
enum class Bound { Unknown, GpuBound, HostBound, HostBoundFallback, HostBoundMixed, HostBoundLaunch };
// "no verdict", "GPU-BOUND", "HOST-BOUND", "HOST-BOUND (CPU fallback)", "HOST-BOUND (launches and CPU fallback)",
// "HOST-BOUND (launches)"
const char* bound_name(Bound b);

// Shares of the GPU's idle time the fallback layers' host time must cover to be named the cause, or a cause.
inline constexpr double kFallbackMostShare = 0.5;
inline constexpr double kFallbackPartShare = 0.2;

struct Verdict {
  Bound bound = Bound::Unknown;
  double busy_share = 0;  // of the forward's wall time
  double idle_share = 0;  // 1 - busy_share
  bool fallback_known = false;  // the host timer measured the fallback layers
  std::size_t fallback_layers = 0;
  double fallback_ms = 0;     // host time of the fallback layers, one forward of each net
  double fallback_share = 0;  // of the host timer's wall time of those forwards
};

// `gpu_recorded` false: Unknown (no busy share). `host_wall_ms` <= 0: the fallback time is unknown,
// and a host-bound net with fallback layers is
// plain HostBound (one without any is HostBoundLaunch).
Verdict classify_bound(const GpuBusySummary& gpu, bool gpu_recorded, std::size_t fallback_layers, double fallback_ms,
                       double host_wall_ms);

// The cost of recording GPU activity: median wall time of forwards recorded by CUPTI over that of
// forwards timed with the recording off, interleaved with them. 0 when either side is empty.
double recording_overhead(const std::vector<double>& recorded_ms, const std::vector<double>& unrecorded_ms);

}  // namespace zoobench::profile
