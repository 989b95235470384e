// The Tracking metric, done as the zoo means it rather than as its code does (see
// shared/reference/opencv_zoo.md sections 0 and 2): for every ROI of every input the stream is
// reloaded, the tracker is initialised on the first frame (timed, reported apart in init_ms), then
// updated on every following frame. The first update after the first init at a size is the cold one
// (the net sets up for the frame's shape): it is the row's first call, captured for evidence. The first
// `warmup` updates after each init are not counted (the zoo counts them all); every counted update of
// every ROI is kept (the zoo keeps only the last ROI's). Frames are decoded between the timed calls.
// Each update is one sample: preprocess 0, infer = the whole update call, postprocess 0.
#include <fmt/format.h>


#include "zoobench/error.hpp"
#include "zoobench/measure/clock.hpp"
#include "zoobench/measure/measurable.hpp"

namespace zoobench {

namespace {

ModelResult as_answer(const TrackResult& r) {
  ModelResult answer;
  if (r.found) answer.detections.push_back({cv::Rect2f(r.box), r.score, 0, {}});
  return answer;
}

class TrackingStrategy final : public Measurable {
 public:
  explicit TrackingStrategy(std::unique_ptr<Tracker> tracker) : m_tracker(std::move(tracker)) {}

  void measure(const InputGroup& group, const Timing& timing, const FirstCall& first_call,
               SizeMeasurement& out) override {
    Tally tally;
    bool cold = true;
    for (const auto& input : group.videos) {
      FrameStream stream(input.source);
      for (std::size_t r = 0; r < input.rois.size(); ++r) {
        if (r > 0) stream.reload();
        run_roi(stream, input, input.rois[r], timing, cold ? &first_call : nullptr, out, tally);
        cold = false;
      }
    }
    if (out.samples.total.empty()) {
      throw DataError(fmt::format("no update was timed: every video of size {}x{} has at most {} frames after the "
                                  "first, all skipped as warm-up; lower --warmup (now {}) or use longer videos",
                                  group.size.width, group.size.height, timing.warmup, timing.warmup));
    }
    out.summary = tally.text();
  }

  PlacementInput placement_view() const override { return {{}, {}, false, m_tracker->hidden_by(), {}}; }
  std::vector<std::vector<int>> input_shapes() const override { return {}; }
  std::string stage_note() const override { return m_tracker->stage_note(); }

 private:
  struct Tally {
    int rois = 0, updates = 0, lost = 0;
    TrackResult last;
    std::string text() const {
      const cv::Rect& b = last.box;
      std::string t = fmt::format("{} ROI{}, {} updates; last box [{}, {}, {}, {}] score {:.2f}", rois,
                                  rois == 1 ? "" : "s", updates, b.x, b.y, b.width, b.height, last.score);
      if (lost > 0) t += fmt::format("; target lost on {} updates", lost);
      return t;
    }
  };

  // One ROI: init on the first frame, then every frame; `first_call` wraps the cold init + update.
  void run_roi(FrameStream& stream, const TrackingInput& input, const cv::Rect& roi, const Timing& timing,
               const FirstCall* first_call, SizeMeasurement& out, Tally& tally) {
    cv::Mat frame;
    if (!stream.read(frame)) throw DataError(fmt::format("{}: no frame to initialise the tracker on", input.name()));
    ++tally.rois;
    auto init = [&] {
      const auto t0 = Clock::now();
      m_tracker->init(frame, roi);
      out.init_ms.push_back(ms_since(t0));
    };
    // The cold init and first update set the net up: both run inside the core's capture.
    if (first_call != nullptr) (*first_call)(init);
    else init();
    int index = 0;  // updates since this init
    while (stream.read(frame)) {  // decoding stays outside the timed call
      TrackResult result;
      double ms = 0;
      auto update = [&] {
        const auto t0 = Clock::now();
        result = m_tracker->update(frame);
        ms = ms_since(t0);
      };
      if (index == 0 && first_call != nullptr) {
        (*first_call)(update);
        out.first_call_ms = ms;
      } else {
        update();
      }
      ++tally.updates;
      if (!result.found) ++tally.lost;
      tally.last = result;
      out.answers.push_back(as_answer(result));
      if (index++ < timing.warmup) continue;
      out.samples.preprocess.push_back(0);
      out.samples.infer.push_back(ms);
      out.samples.postprocess.push_back(0);
      out.samples.total.push_back(ms);
    }
  }

  std::unique_ptr<Tracker> m_tracker;
};

}  // namespace

MeasurableFactory tracking_strategy(TrackerFactory factory) {
  return [factory = std::move(factory)](const ModelContext& ctx) -> std::unique_ptr<Measurable> {
    return std::make_unique<TrackingStrategy>(factory(ctx));
  };
}

}  // namespace zoobench
