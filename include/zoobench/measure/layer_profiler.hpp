#pragma once
// `zoo-bench profile`: where a model's forward time goes, on any backend/target. For one plan item it
// loads the model, times the cold start (load, first, second forward) and steady forwards (with the GPU
// activity of each when CUPTI records it), then per net times forwards that stop at successive cut
// points (Net::forward(layer)) and turns them into per-segment times (stats/layer_profile.hpp). On the
// CPU it also reads Net::getPerfProfile as the ground truth the method is validated against.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zoobench/device/placement.hpp"
#include "zoobench/measure/gpu_activity.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/stats/layer_profile.hpp"

namespace zoobench {

struct ProfileSettings {
  int repeats = 10;            // timed forwards per cut point, and steady / whole forwards
  std::size_t max_cuts = 200;  // cut points per net (every layer when the net has fewer)
  double sum_tolerance = profile::kDefaultSumTolerance;
  std::size_t top_n = 10;      // costliest segments listed and compared
  profile::Estimator estimator = profile::Estimator::Median;  // per cut point, whole forward and reference
  // The clock of cut points and whole forwards: wall time, or the process's CPU time (immune to
  // pre-emption on a busy machine; equal to the compute time only when OpenCV runs on one thread).
  enum class Clock { Wall, ProcessCpu } clock = Clock::Wall;
};

struct NetProfile {
  std::string label;  // "net 1/3"
  std::vector<profile::LayerInfo> layers;  // execution order
  bool whole_net_on_cpu = false;  // every layer set up on the CPU: no per-layer fallback marks then
  std::vector<profile::CutTiming> cuts;
  // Cut points OpenCV refused (a layer that works in place cannot hand out its output: "inputs[0].data
  // != outputs[0].data"); their layers join the next segment. "layer: reason".
  std::vector<std::string> skipped_cuts;
  std::vector<profile::Segment> segments;
  std::vector<double> whole_ms;  // whole forwards of this net (all its outputs), before and after the cuts
  std::size_t outputs = 0;       // the net's unconnected outputs, which a whole forward copies to the host
  profile::SumCheck sum_check;
  std::vector<double> reference_ms;  // CPU only: getPerfProfile, ms per layer (the estimator's); empty elsewhere
  std::optional<profile::Validation> validation;
  std::vector<profile::FallbackCost> fallbacks;
  double seconds = 0;  // how long profiling this net took
  std::string error;   // non-empty when its cut timing failed (what was measured before is kept)
};

struct ModelProfile {
  std::string config, model, files, input_size;
  BackendTarget backend_target;
  Status status = Status::Ok;
  std::string message;
  profile::ColdStart cold;
  std::vector<double> steady_ms;
  DeviceEvidence device;
  std::string gpu_status;  // the recorder's status line
  bool gpu_recorded = false;
  profile::GpuForward first_forward_gpu;
  std::vector<profile::GpuForward> steady_gpu;
  profile::GpuBusySummary gpu;
  std::vector<NetProfile> nets;
  ProfileSettings settings;
};

using ProfileProgress = std::function<void(const std::string&)>;

// Profiles one runnable image-model item at its first input (trackers and non-runnable items come back
// with their status and reason). Never throws for the model's own errors. `progress` gets one line per
// finished step (so a run cut by a time limit still shows how far it got).
ModelProfile profile_item(const PlanItem& item, const ProfileSettings& settings, GpuActivityRecorder& gpu,
                          std::optional<bool> device_runs_fp16, const ProfileProgress& progress = {});

}  // namespace zoobench
