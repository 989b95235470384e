#pragma once
// What the measurement core runs: a family's model or tracker behind one interface. The image
// strategy times preprocess / infer / postprocess per call; the tracking strategy times init and
// update as whole calls (cv::Tracker hides its stages). Everything else (load, log capture, evidence,
// error records) is the core's (measure/measure.hpp), shared by both.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zoobench/device/placement.hpp"
#include "zoobench/input/images.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/models/model.hpp"
#include "zoobench/models/tracker.hpp"

namespace zoobench {

struct Timing {
  int warmup = 0;  // untimed calls (image metrics: per input; Tracking: updates after each init)
  int repeat = 1;  // timed calls per input (image metrics)
  // Image metrics: called after every call, outside its timed span, with whether the call was timed.
  // Empty in zoo-bench runs; zoo-bench-overhead runs a bare forward here to alternate call by call.
  std::function<void(bool timed)> after_call;
};

// What one input size produced; the core moves it into the RunRecord.
struct SizeMeasurement {
  StageSamples samples;
  double first_call_ms = 0;
  std::vector<double> init_ms;
  std::vector<ModelResult> answers;
  std::vector<cv::Mat> raw_outputs;
  std::string summary;
};

// The core wraps the first call at each input size with this (log capture at INFO level: that is
// where OpenCV sets the backend up for the new shape).
using FirstCall = std::function<void(const std::function<void()>&)>;

class Measurable {
 public:
  virtual ~Measurable() = default;

  // Runs every input of `group`: warm-up and timed calls, answers, first call through `first_call`.
  virtual void measure(const InputGroup& group, const Timing& timing, const FirstCall& first_call,
                       SizeMeasurement& out) = 0;

  // Net::dump() of every visible net and whether the nets are visible at all (the log is the core's).
  virtual PlacementInput placement_view() const = 0;

  virtual std::vector<std::vector<int>> input_shapes() const = 0;
  virtual std::string stage_note() const = 0;
};

using MeasurableFactory = std::function<std::unique_ptr<Measurable>(const ModelContext&)>;

// Wraps a family's factory into the strategy that measures it.
MeasurableFactory image_strategy(ModelFactory factory);
MeasurableFactory tracking_strategy(TrackerFactory factory);

}  // namespace zoobench
