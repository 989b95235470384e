#pragma once
// The interface of tracker families (the zoo's Tracking configs): init on the first frame with a
// box, then one update per following frame. Trackers run through OpenCV's high-level cv::Tracker
// classes, which hide their pre/post-processing, so the Tracking metric times init and update as
// whole calls (see tracking_runner.hpp).
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <opencv2/core.hpp>

#include "zoobench/models/model.hpp"

namespace zoobench {

struct TrackResult {
  bool found = false;  // the tracker's own verdict (cv::Tracker::update's return value)
  cv::Rect box;        // in frame pixels
  float score = 0;     // the tracker's confidence, when it reports one
};

class Tracker {
 public:
  virtual ~Tracker() = default;

  // Starts tracking `roi` on `frame`; may be called again to restart on another ROI.
  virtual void init(const cv::Mat& frame, const cv::Rect& roi) = 0;
  virtual TrackResult update(const cv::Mat& frame) = 0;

  // Says which stages the high-level API hides (RunRecord.note).
  virtual std::string stage_note() const { return {}; }

  // The OpenCV class that hides the tracker's net (placement evidence names it).
  virtual std::string hidden_by() const { return "cv::Tracker"; }
};

using TrackerFactory = std::function<std::unique_ptr<Tracker>(const ModelContext&)>;

// Adapts an OpenCV high-level tracker with a tracking score (cv::TrackerVit, cv::TrackerDaSiamRPN)
// to Tracker. `api` names the class for the stage note.
template <typename CvTracker>
class OpenCVTracker final : public Tracker {
 public:
  OpenCVTracker(cv::Ptr<CvTracker> tracker, std::string api) : m_tracker(std::move(tracker)), m_api(std::move(api)) {}

  void init(const cv::Mat& frame, const cv::Rect& roi) override { m_tracker->init(frame, roi); }

  TrackResult update(const cv::Mat& frame) override {
    TrackResult result;
    result.found = m_tracker->update(frame, result.box);
    result.score = m_tracker->getTrackingScore();
    return result;
  }

  std::string stage_note() const override {
    return m_api + "::update is one OpenCV call: timed as inference (crop, forward and decoding inside)";
  }
  std::string hidden_by() const override { return "cv::" + m_api; }

 private:
  cv::Ptr<CvTracker> m_tracker;
  std::string m_api;
};

struct OpenCVVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
};

// The OpenCV this zoo-bench was compiled against (CV_VERSION_*).
OpenCVVersion compiled_opencv_version();

// Empty when `have` >= `need`; otherwise "<what> needs OpenCV >= 4.9; this is OpenCV 4.6.0".
std::string opencv_version_gate(const std::string& what, OpenCVVersion need, OpenCVVersion have);

}  // namespace zoobench
