#include "zoobench/measure/tracking_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>

#include <opencv2/core/utils/logger.hpp>

#include "zoobench/input/images.hpp"
#include "zoobench/error.hpp"
#include "zoobench/device/placement.hpp"
#include "zoobench/measure/log_capture.hpp"
#include "zoobench/catalog/model_file.hpp"

namespace zoobench {

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}




// Runs `call` with OpenCV's log at INFO level captured into `log` (when given).
template <typename Call>
void with_log_capture(std::string* log, Call&& call) {
  if (log == nullptr) {
    call();
    return;
  }
  with_captured_log(*log, call);
}

std::string summarize(const TrackingTally& tally) {
  const cv::Rect& b = tally.last.box;
  std::string text = fmt::format("{} ROI{}, {} updates; last box [{}, {}, {}, {}] score {:.2f}", tally.rois,
                                 tally.rois == 1 ? "" : "s", tally.updates, b.x, b.y, b.width, b.height,
                                 tally.last.score);
  if (tally.lost > 0) text += fmt::format("; target lost on {} updates", tally.lost);
  return text;
}

}  // namespace

void measure_tracking_input(Tracker& tracker, const TrackingInput& input, int warmup, RunRecord& record,
                            TrackingTally& tally, std::string* captured_log) {
  FrameStream stream(input.source);
  cv::Mat frame;
  bool first = true;
  for (const cv::Rect& roi : input.rois) {
    if (!first) stream.reload();
    if (!stream.read(frame)) throw DataError(fmt::format("{}: no frame to initialise the tracker on", input.source.string()));
    ++tally.rois;
    std::string* log = first ? captured_log : nullptr;
    with_log_capture(log, [&] {
      const auto t0 = Clock::now();
      tracker.init(frame, roi);
      const double ms = elapsed_ms(t0, Clock::now());
      record.init_ms.push_back(ms);
      if (record.init_ms.size() == 1) record.first_call_ms = ms;
    });
    int index = 0;  // updates since this init
    while (stream.read(frame)) {  // decoding stays outside the timed call
      TrackResult result;
      double ms = 0;
      with_log_capture(index == 0 ? log : nullptr, [&] {
        const auto t0 = Clock::now();
        result = tracker.update(frame);
        ms = elapsed_ms(t0, Clock::now());
      });
      ++tally.updates;
      if (!result.found) ++tally.lost;
      tally.last = result;
      if (index++ < warmup) continue;
      record.samples.preprocess.push_back(0);
      record.samples.infer.push_back(ms);
      record.samples.postprocess.push_back(0);
      record.samples.total.push_back(ms);
    }
    first = false;
  }
}

void run_tracking(const TrackingPlan& plan, const std::function<void(const RunRecord&)>& on_record,
                  const std::function<void(const std::string&)>& on_warning) {
  const BenchmarkConfig& config = *plan.config;
  const Family& family = *plan.family;

  RunRecord base;
  base.config = config.file.filename().string();
  base.model = config.model_name;
  base.warmup = plan.warmup;
  base.repeat = 1;  // one pass over every frame per ROI; metric.repeat does not apply to Tracking

  auto variant_base = [&](const ModelVariant& variant, const BackendTarget& pair) {
    RunRecord record = base;
    record.precision = precision_name(variant.precision);
    record.file_list = variant.file_list();
    for (const auto& f : variant.files) record.files.push_back(f.string());
    record.backend_target = pair;
    return record;
  };
  auto emit = [&](RunRecord record, Status status, const std::string& message) {
    record.status = status;
    record.message = message;
    on_record(record);
  };

  std::vector<TrackingInput> inputs;
  try {
    inputs = load_tracking_inputs(config, plan.data_dir);
  } catch (const DataError& e) {
    for (const auto& variant : plan.variants) {
      for (const auto& pair : plan.pairs) emit(variant_base(variant, pair), Status::Failed, e.what());
    }
    return;
  }
  // One record per frame size, as the zoo keys its rows.
  std::map<cv::Size, std::vector<const TrackingInput*>, SizeLess> by_size;
  for (const auto& input : inputs) by_size[input.frame_size].push_back(&input);

  bool warned_unused = false;
  for (const auto& variant : plan.variants) {
    for (const auto& pair : plan.pairs) {
      RunRecord record_base = variant_base(variant, pair);
      // A fresh tracker for every backend/target, so no state crosses variants.
      std::unique_ptr<Tracker> tracker;
      const auto load_start = Clock::now();
      try {
        tracker = family.tracker_factory(ModelContext{variant.files, config.params, pair});
      } catch (const ModelError& e) {
        emit(record_base, status_for(e.kind()), e.what());
        continue;
      } catch (const cv::Exception& e) {
        emit(record_base, Status::Failed, fmt::format("loading {} failed: {}", variant.file_list(), short_cv_message(e)));
        continue;
      } catch (const Error& e) {
        emit(record_base, Status::Failed, e.what());
        continue;
      }
      record_base.load_ms = elapsed_ms(load_start, Clock::now());
      record_base.note = tracker->stage_note();
      if (!warned_unused) {
        for (const auto& key : config.params.unused_keys()) {
          on_warning(fmt::format("{}: key 'Model.{}' is not used by {}", config.file.string(), key, family.name));
        }
        warned_unused = true;
      }

      bool first_record = true;
      for (const auto& [size, group] : by_size) {
        RunRecord record = record_base;
        record.input_size = size;
        if (!first_record) record.load_ms = 0;  // loaded once, before the first size
        TrackingTally tally;
        std::string log;
        std::string* capture = first_record && pair.is_cuda() ? &log : nullptr;
        bool failed = false;
        try {
          for (const TrackingInput* input : group) {
            measure_tracking_input(*tracker, *input, plan.warmup, record, tally, capture);
            capture = nullptr;
          }
        } catch (const cv::Exception& e) {
          emit(record, Status::Failed, fmt::format("{} on {}: {}", variant.file_list(), pair.name, short_cv_message(e)));
          failed = true;
        } catch (const Error& e) {
          emit(record, Status::Failed, e.what());
          failed = true;
        }
        if (failed) break;  // the tracker is in an unknown state: later sizes would fail the same way
        // The net is hidden inside cv::Tracker: the evidence is OpenCV's log ("switching to CPU", per-layer
        // fallback lines), with no layer dump.
        if (pair.is_cuda() && first_record) record.device = analyse_placement(PlacementInput{log, {}, false, "cv::Tracker"}, pair);
        first_record = false;
        record.result = summarize(tally);
        if (record.samples.total.empty()) {
          emit(record, Status::Failed,
               fmt::format("no update was timed: every video of size {}x{} has at most {} frames after the first, "
                           "all skipped as warm-up; lower --warmup (now {}) or use longer videos",
                           size.width, size.height, plan.warmup, plan.warmup));
          continue;
        }
        on_record(record);
      }
    }
  }
}

}  // namespace zoobench
