#pragma once
// Non-maximum suppression over detections, shared by the detection families.
#include <string>
#include <vector>

#include "zoobench/result.hpp"

namespace zoobench {

// Keeps the detections NMS selects (score >= score_threshold, IoU > nms_threshold suppressed), best
// first, at most top_k (<= 0: all). Class-agnostic.
std::vector<Detection> nms(const std::vector<Detection>& candidates, float score_threshold, float nms_threshold,
                           int top_k = 0);

// Per-class NMS (boxes of different classes never suppress each other), best first.
std::vector<Detection> nms_per_class(const std::vector<Detection>& candidates, float score_threshold,
                                     float nms_threshold);

// "3 faces, best 0.93" style summary.
std::string summarize_detections(const std::vector<Detection>& detections, const std::string& noun);

}  // namespace zoobench
