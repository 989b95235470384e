#pragma once
// A family-neutral view of a model's last result, filled by postprocess: what tests check for
// correctness and what reports can describe. Each family fills the parts that apply to it.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace zoobench {

struct Detection {
  cv::Rect2f box;                    // x, y, w, h in the original image's pixels
  float score = 0;
  int class_id = 0;
  std::vector<cv::Point2f> points;   // landmarks / keypoints / polygon corners, family-specific order
};

struct ClassScore {
  int class_id = 0;
  float score = 0;
};

struct ModelResult {
  std::vector<Detection> detections;  // detectors, trackers (one box), text detectors (quads in points)
  std::vector<ClassScore> classes;    // classifiers, best first
  std::vector<std::string> texts;     // text recognisers, QR decoders
  cv::Mat mask;                       // segmentation (CV_8U, original image size)
  cv::Mat feature;                    // embeddings (1 x D, CV_32F)
};

}  // namespace zoobench
