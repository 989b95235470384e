#pragma once
// The arithmetic of a per-layer profile, as plain functions on timings (no OpenCV): where the forwards
// stop (cut points), per-segment times from the medians of forwards that stop at successive layers,
// time by layer type, the fallback layers' cost, the check against a whole forward, the comparison
// with a per-layer reference (getPerfProfile on the CPU) and the GPU busy share.
//
// Method: Net::forward(name) runs every layer before `name` in execution order and then `name`, so
// median(T(cut k)) - median(T(cut k-1)) is the cost of the layers between the two cuts. Each cut
// also copies the requested output to the host, so a segment carries the difference of two such
// copies; the segments add up exactly to the last cut's median (telescoping), which is checked
// against an independent whole forward.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zoobench::profile {

struct LayerInfo {
  std::string name;
  std::string type;
  bool fallback = false;  // set up on the CPU although an accelerator was requested
};

// Layer indices (execution order) where forwards stop, ascending, always ending at the last layer.
// Every layer is a cut when layer_count <= max_cuts; otherwise the `must_cut` indices (fallback
// layers and their neighbours) plus evenly spaced ones, max_cuts in all where possible.
std::vector<std::size_t> choose_cut_points(std::size_t layer_count, const std::vector<std::size_t>& must_cut,
                                           std::size_t max_cuts);

// The cut points that isolate each fallback layer: the layer before it, itself and the layer after.
std::vector<std::size_t> fallback_neighbourhood(const std::vector<LayerInfo>& layers);

// How the forwards of one cut point become one number. The median is the default; the minimum is
// the better estimate of undisturbed time on a busy machine, where most forwards are pre-empted.
enum class Estimator { Median, Min };
const char* estimator_name(Estimator e);  // "median", "min"
double estimate(const std::vector<double>& samples_ms, Estimator e);

struct CutTiming {
  std::size_t layer = 0;           // index of the last layer run
  std::vector<double> samples_ms;  // forwards that stop there
};

struct Segment {
  std::size_t first = 0, last = 0;  // layer indices, inclusive
  double ms = 0;                    // estimate(cut at last) - estimate(previous cut); may be < 0 (noise)
  double cut_median_ms = 0;         // estimated forward time up to `last` (the median unless Estimator::Min)
  double cut_spread_ms = 0;         // (p75 - p25) of that cut's forwards: the noise scale of `ms`
  std::string type;                 // the layer type, or "A+B" for a group of several types
  std::vector<std::string> fallback_layers;
  std::size_t layer_count() const { return last - first + 1; }
};

// Segments in execution order, from the cut timings (ascending by layer, non-empty samples).
std::vector<Segment> segments_from_cuts(const std::vector<LayerInfo>& layers, const std::vector<CutTiming>& cuts,
                                        Estimator estimator = Estimator::Median);

struct TypeTime {
  std::string type;
  double ms = 0;
  std::size_t layers = 0;
  double share = 0;  // of the sum of all segments
};

// Time by the segments' type labels, costliest first.
std::vector<TypeTime> time_by_type(const std::vector<Segment>& segments);

// Indices of the `n` costliest segments, costliest first.
std::vector<std::size_t> costliest(const std::vector<Segment>& segments, std::size_t n);

struct FallbackCost {
  std::string layer;
  double own_ms = 0;       // its segment: the CPU work (its input's download sits in the cut before it)
  double next_ms = 0;      // the next segment (upload of its output plus the next layer's work), for the last
                           // of a run of CPU layers only; 0 when the next layer runs on the CPU too
  double with_copies_ms = 0;  // own + next: an estimate with the noise of two differences, not a bound
};

// One entry per fallback layer that has a segment to itself.
std::vector<FallbackCost> fallback_costs(const std::vector<Segment>& segments);

double segments_sum(const std::vector<Segment>& segments);

// The segments must add up to a whole forward of the net measured on its own.
struct SumCheck {
  double sum_ms = 0;
  double whole_ms = 0;
  double relative_error = 0;  // |sum - whole| / whole
  double tolerance = 0;
  bool within = false;
};
inline constexpr double kDefaultSumTolerance = 0.10;
SumCheck check_sum(const std::vector<Segment>& segments, double whole_forward_ms, double tolerance);

// Spearman's rank correlation (average ranks for ties); 0 when either side is constant or n < 2.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

// The method against a per-layer reference (getPerfProfile's ms per layer, same order as `layers`),
// compared segment by segment (the reference summed over each segment's layers).
struct Validation {
  std::size_t segments = 0;
  double rank_correlation = 0;
  std::size_t top_n = 0;
  double top_share_method = 0;     // share of the method's total in its top-n segments
  double top_share_reference = 0;  // share of the reference's total in the reference's top-n segments
  std::size_t top_overlap = 0;     // segments in both top-n sets
  double method_total_ms = 0, reference_total_ms = 0;
};
Validation validate_against(const std::vector<Segment>& segments, const std::vector<double>& reference_ms,
                            std::size_t top_n);

// The tolerance a validation must meet (set after the first CPU runs, and stated with every result): a rank
// correlation of at least 0.6, at least 6 in 10 of the top segments in common, and top shares within 10
// points of each other.
inline constexpr double kValidationMinRankCorrelation = 0.6;
inline constexpr double kValidationMinTopOverlap = 0.6;  // share of top_n
inline constexpr double kValidationMaxTopShareGap = 0.10;
bool meets_validation_tolerance(const Validation& v);

// GPU activity of one forward, as the recorder gave it (measure/gpu_activity.hpp fills these).
struct GpuInterval {
  std::uint64_t start_ns = 0, end_ns = 0;
};
// Length of the union of the intervals: the time at least one kernel, copy or memset ran.
std::uint64_t busy_ns(std::vector<GpuInterval> intervals);

struct GpuForward {
  double wall_ms = 0;
  std::size_t kernels = 0, copies = 0, memsets = 0;
  std::size_t copies_to_device = 0, copies_to_host = 0;
  double busy_ms = 0;
  std::map<std::string, std::size_t> records_by_kind;
  std::size_t contexts = 0, streams = 0;
  std::uint64_t dropped = 0;
};

// Below this share of the wall time the GPU waits on the host more than it works.
inline constexpr double kLaunchBoundShare = 0.5;

struct GpuBusySummary {
  std::size_t forwards = 0;
  double kernels = 0, copies = 0, copies_to_device = 0, copies_to_host = 0, memsets = 0;  // medians per forward
  double busy_ms = 0, wall_ms = 0;  // medians per forward
  double busy_share = 0;            // median of busy / wall per forward
  bool launch_bound = false;        // busy_share < kLaunchBoundShare
  std::map<std::string, std::size_t> records_by_kind;  // totals over the forwards
  std::uint64_t dropped = 0;
};
GpuBusySummary summarise_gpu(const std::vector<GpuForward>& forwards);

// Cold start, each a single call except the steady median.
struct ColdStart {
  double load_ms = 0;            // reading the model (the family's constructor)
  double first_forward_ms = 0;   // backend set-up: allocation, cuDNN initialisation and algorithm choice
  double second_forward_ms = 0;  // what is left of set-up after the first call
  double steady_ms = 0;          // median of the steady forwards
  // CUDA context creation, timed before the first model load (the device made current and a first
  // allocation); < 0 when not measured, and cuda_context_note says why.
  double cuda_context_ms = -1;
  std::string cuda_context_note;
  // "cold process", or "warm process: ..." when other items ran before in this process (their CUDA
  // context, cuDNN handles and OpenCV's allocations then make these numbers smaller than a cold start).
  std::string process = "cold process";
  bool warm_process = false;
  double setup_overhead_ms() const { return first_forward_ms - steady_ms; }
};

}  // namespace zoobench::profile
