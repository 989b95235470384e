#include "zoobench/stats/gpu_verdict.hpp"

#include "zoobench/stats/stats.hpp"

namespace zoobench::profile {

const char* bound_name(Bound b) {
  switch (b) {
    case Bound::GpuBound: return "GPU-BOUND";
    case Bound::HostBound: return "HOST-BOUND";
    case Bound::HostBoundFallback: return "HOST-BOUND (CPU fallback)";
    case Bound::HostBoundMixed: return "HOST-BOUND (launches and CPU fallback)";
    case Bound::HostBoundLaunch: return "HOST-BOUND (launches)";
    case Bound::Unknown: break;
  }
  return "no verdict";
}

Verdict classify_bound(const GpuBusySummary& gpu, bool gpu_recorded, std::size_t fallback_layers, double fallback_ms,
                       double host_wall_ms) {
  Verdict v;
  v.fallback_layers = fallback_layers;
  v.fallback_known = host_wall_ms > 0;
  if (v.fallback_known) {
    v.fallback_ms = fallback_ms;
    v.fallback_share = fallback_ms / host_wall_ms;
  }
  if (!gpu_recorded || gpu.forwards == 0) return v;
  v.busy_share = gpu.busy_share;
  v.idle_share = 1 - gpu.busy_share;
  if (gpu.busy_share >= kLaunchBoundShare) {
    v.bound = Bound::GpuBound;
  } else if (v.fallback_known) {
    // The fallback layers explain the idle GPU when their host time covers at least half of it; from a
    // fifth on they are named as a cause next to the launches (YOLOX-Nano's Slices on the H200: about 43%).
    const double covered = v.fallback_share / v.idle_share;
    v.bound = covered >= kFallbackMostShare ? Bound::HostBoundFallback
              : covered >= kFallbackPartShare ? Bound::HostBoundMixed
                                              : Bound::HostBoundLaunch;
  } else {
    v.bound = fallback_layers == 0 ? Bound::HostBoundLaunch : Bound::HostBound;
  }
  return v;
}

double recording_overhead(const std::vector<double>& recorded_ms, const std::vector<double>& unrecorded_ms) {
  if (recorded_ms.empty() || unrecorded_ms.empty()) return 0;
  const double base = stats::median(unrecorded_ms);
  return base > 0 ? stats::median(recorded_ms) / base : 0;
}

}  // namespace zoobench::profile
