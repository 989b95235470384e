#pragma once
// Non-maximum suppression over detections, shared by the detection families.
#include <string>
#include <vector>

#include "zoobench/models/result.hpp"

namespace zoobench {

// Keeps the detections NMS selects (score >= score_threshold, IoU > nms_threshold suppressed), best
// first, at most top_k (<= 0: all). Class-agnostic.
std::vector<Detection> nms(const std::vector<Detection>& candidates, float score_threshold, float nms_threshold,
                           int top_k = 0);

// Per-class NMS (boxes of different classes never suppress each other), best first.
std::vector<Detection> nms_per_class(const std::vector<Detection>& candidates, float score_threshold,
                                     float nms_threshold);

// The axis-aligned box around points (a plate's or a text region's corners); points must not be empty.
cv::Rect2f bounding_box(const std::vector<cv::Point2f>& points);

// `image` resized to `input` into `out` (no copy when it already has that size); returns the factors
// (original / input, per axis) that map network coordinates back to the image.
cv::Point2f resize_for_input(const cv::Mat& image, cv::Size input, cv::Mat& out);

// Multiplies a detection's box and points by per-axis factors.
void scale_detection(Detection& detection, cv::Point2f scale);

// "3 faces, best 0.93" style summary.
std::string summarize_detections(const std::vector<Detection>& detections, const std::string& noun);

}  // namespace zoobench
