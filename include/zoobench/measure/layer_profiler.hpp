#pragma once
// `zoo-bench profile`: where a model's forward time goes, on any backend/target. For one plan item it
// loads the model, times the cold start (load, first, second forward) and steady forwards (with the GPU
// activity of each when CUPTI records it, and a control with the recording off), then per net:
// - OpenCV's own layer timer (Net::getPerfProfile after each whole forward, stats/host_layer_times.hpp):
//   every layer, on every backend; on CUDA it is host time per layer, not GPU execution time;
// - the cut method: forwards that stop at successive cut points (Net::forward(layer)), timed in
//   alternating sweeps (stats/cut_sweeps.hpp) and differenced into per-segment times
//   (stats/layer_profile.hpp), checked against whole forwards of the same sweeps;
// - the two compared segment by segment (on the CPU that is the validation against getPerfProfile).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zoobench/device/placement.hpp"
#include "zoobench/measure/gpu_activity.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/stats/gpu_verdict.hpp"
#include "zoobench/stats/host_layer_times.hpp"
#include "zoobench/stats/layer_profile.hpp"

namespace zoobench {

struct ProfileSettings {
  int repeats = 10;            // timed forwards per cut point (about), steady and host-timer forwards
  int per_visit = 2;           // timed forwards per visit of a cut point in a sweep (after one warm-up)
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
  std::size_t sweeps = 0;        // sweeps over the cut points (stats/cut_sweeps.hpp)
  std::vector<double> whole_ms;  // whole forwards of this net (all its outputs) at both ends of every sweep
  std::size_t outputs = 0;       // the net's unconnected outputs, which a whole forward copies to the host
  profile::SumCheck sum_check;
  // OpenCV's layer timer: whole forwards of their own (before the sweeps), each paired with its wall time.
  std::vector<profile::HostForward> host_forwards;
  profile::HostLayerTimes host;                 // summary; host.layer_ms is the median per layer
  std::vector<profile::Segment> host_segments;  // one per layer, carrying host.layer_ms
  std::vector<profile::FallbackCost> host_fallbacks;
  double host_fallback_ms = 0;  // host time of the fallback layers, one forward
  std::vector<double> reference_ms;  // = host.layer_ms (getPerfProfile per layer), empty when unavailable
  // The cut method's segments against the layer timer summed over each segment: on the CPU the
  // validation against a ground truth; on CUDA a cross-check of two different quantities.
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
  bool loaded = false;  // its model was loaded into this process: what makes later profiles warm
  profile::ColdStart cold;
  std::vector<double> steady_ms;
  DeviceEvidence device;
  std::string gpu_status;  // the recorder's status line
  bool gpu_recorded = false;
  profile::GpuForward first_forward_gpu;
  std::vector<profile::GpuForward> steady_gpu;
  profile::GpuBusySummary gpu;
  // Control: steady forwards with the recording off, interleaved with recorded ones (after the steady
  // block, so a failed re-enable cannot touch the numbers above). Empty without CUPTI.
  std::vector<double> unrecorded_ms;
  std::vector<profile::GpuForward> recorded_control;
  double recording_overhead = 0;  // median recorded / median unrecorded wall time; 0 when not measured
  std::string recording_note;     // why there is no control, when there is none
  profile::Verdict verdict;
  std::vector<NetProfile> nets;
  ProfileSettings settings;
};

using ProfileProgress = std::function<void(const std::string&)>;

// What the process did before this item, for the cold-start block.
struct ProcessState {
  std::string warm_reason;  // empty: a cold process; else e.g. "2 items profiled before in this process"
  bool cuda_initialised = false;          // a CUDA net ran before: context and cuDNN exist already
  double cuda_context_ms = -1;     // the context creation, for the item it is reported with; < 0 not measured
  std::string cuda_context_note;  // how it was measured, or why not
};

// Profiles one runnable image-model item at its first input (trackers and non-runnable items come back
// with their status and reason). Never throws for the model's own errors. `progress` gets one line per
// finished step (so a run cut by a time limit still shows how far it got).
ModelProfile profile_item(const PlanItem& item, const ProfileSettings& settings, GpuActivityRecorder& gpu,
                          std::optional<bool> device_runs_fp16, const ProcessState& process,
                          const ProfileProgress& progress = {});

}  // namespace zoobench
