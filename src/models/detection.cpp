#include "zoobench/models/detection.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace zoobench {

std::vector<Detection> nms(const std::vector<Detection>& candidates, float score_threshold, float nms_threshold,
                           int top_k) {
  std::vector<cv::Rect2d> boxes;
  std::vector<float> scores;
  boxes.reserve(candidates.size());
  scores.reserve(candidates.size());
  for (const auto& d : candidates) {
    boxes.emplace_back(d.box.x, d.box.y, d.box.width, d.box.height);
    scores.push_back(d.score);
  }
  std::vector<int> keep;
  cv::dnn::NMSBoxes(boxes, scores, score_threshold, nms_threshold, keep, 1.f, std::max(top_k, 0));
  std::vector<Detection> kept;
  kept.reserve(keep.size());
  for (int i : keep) kept.push_back(candidates[static_cast<std::size_t>(i)]);
  return kept;
}

std::vector<Detection> nms_per_class(const std::vector<Detection>& candidates, float score_threshold,
                                     float nms_threshold) {
  // Shift each class into its own region of the plane so that one class-agnostic pass never compares
  // boxes of different classes (cv::dnn::NMSBoxesBatched does the same, but only from OpenCV 4.7).
  float extent = 0;
  for (const auto& d : candidates) extent = std::max({extent, d.box.x + d.box.width, d.box.y + d.box.height});
  const float offset_step = extent + 1.f;
  std::vector<Detection> shifted(candidates);
  for (auto& d : shifted) {
    d.box.x += static_cast<float>(d.class_id) * offset_step;
    d.box.y += static_cast<float>(d.class_id) * offset_step;
  }
  std::vector<Detection> kept = nms(shifted, score_threshold, nms_threshold);
  for (auto& d : kept) {
    d.box.x -= static_cast<float>(d.class_id) * offset_step;
    d.box.y -= static_cast<float>(d.class_id) * offset_step;
  }
  return kept;
}

cv::Rect2f bounding_box(const std::vector<cv::Point2f>& points) {
  float x0 = points.front().x, y0 = points.front().y, x1 = x0, y1 = y0;
  for (const auto& p : points) {
    x0 = std::min(x0, p.x);
    y0 = std::min(y0, p.y);
    x1 = std::max(x1, p.x);
    y1 = std::max(y1, p.y);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

cv::Point2f resize_for_input(const cv::Mat& image, cv::Size input, cv::Mat& out) {
  if (image.size() == input) {
    out = image;
    return {1.f, 1.f};
  }
  cv::resize(image, out, input);
  return {static_cast<float>(image.cols) / static_cast<float>(input.width),
          static_cast<float>(image.rows) / static_cast<float>(input.height)};
}

void scale_detection(Detection& detection, cv::Point2f scale) {
  detection.box = {detection.box.x * scale.x, detection.box.y * scale.y, detection.box.width * scale.x,
                   detection.box.height * scale.y};
  for (auto& p : detection.points) p = {p.x * scale.x, p.y * scale.y};
}

std::string summarize_detections(const std::vector<Detection>& detections, const std::string& noun) {
  if (detections.empty()) return fmt::format("0 {}", noun);
  float best = 0;
  for (const auto& d : detections) best = std::max(best, d.score);
  return fmt::format("{} {}, best score {:.2f}", detections.size(), noun, best);
}

}  // namespace zoobench
