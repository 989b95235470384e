#pragma once
// The Tracking metric, done as the zoo means it rather than as its code does (see
// shared/reference/opencv_zoo.md sections 0 and 2): for every ROI of every input the stream is
// reloaded, the tracker is initialised on the first frame (timed, but reported apart, in
// RunRecord::init_ms), then updated on every following frame. The first `warmup` updates after each
// init are not counted (the zoo counts them all, so its first CUDA update, the net's set-up, lands in
// its statistics); every counted update of every ROI is kept (the zoo keeps only the last ROI's).
// Frames are decoded between the timed calls. Each update is one sample: preprocess 0, infer = the
// whole update call, postprocess 0, since cv::Tracker hides its stages.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "zoobench/plan/backend.hpp"
#include "zoobench/catalog/catalog.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/models/tracker.hpp"
#include "zoobench/input/video.hpp"

namespace zoobench {

// metric.warmup's default is 3 (MetricConfig), which suits Tracking too: enough for the first
// update's net set-up and allocation, a negligible share of a video's frames.
struct TrackingPlan {
  const BenchmarkConfig* config = nullptr;
  const Family* family = nullptr;          // must have a tracker_factory
  std::vector<ModelVariant> variants;
  std::vector<BackendTarget> pairs;
  int warmup = 3;                          // updates after each init that are not counted
  std::filesystem::path data_dir;
};

// What one pass over inputs saw, for the record's result line.
struct TrackingTally {
  int rois = 0;
  int updates = 0;  // all updates, counted or not
  int lost = 0;     // updates where the tracker said it lost the target
  TrackResult last;
};

// Runs `tracker` over one input as described above, appending samples and init times to `record`.
// With `captured_log`, the first init and update run with OpenCV's log at INFO level captured there
// (where the net is set up: device evidence on CUDA targets). Throws DataError, cv::Exception.
void measure_tracking_input(Tracker& tracker, const TrackingInput& input, int warmup, RunRecord& record,
                            TrackingTally& tally, std::string* captured_log = nullptr);

// One RunRecord per (variant, backend/target, frame size), or records saying why nothing ran.
void run_tracking(const TrackingPlan& plan, const std::function<void(const RunRecord&)>& on_record,
                  const std::function<void(const std::string&)>& on_warning);

}  // namespace zoobench
