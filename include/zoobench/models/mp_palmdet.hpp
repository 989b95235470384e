#pragma once
// MediaPipe palm detection (the zoo's MPPalmDet, palm_detection_mediapipe_2023feb): letterbox to
// 192x192, RGB /255, NHWC input [1,192,192,3]; outputs regressors [1,2016,18] (box + 7 keypoints)
// and scores [1,2016,1], decoded against 2016 SSD anchors, then NMS. Detection points are the 7
// palm keypoints: wrist (palm base), index/middle/ring/pinky finger bases, two thumb points.
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/detection.hpp"
#include "zoobench/models/mediapipe_common.hpp"

namespace zoobench::mp_palmdet {

constexpr int kInputSide = 192;
constexpr int kKeypoints = 7;

// MediaPipe's palm anchor scheme: strides 8/16/16/16, 2 anchors per layer and cell (2016 at 192).
mediapipe::SsdAnchorOptions anchor_options(cv::Size input);

// Raw outputs (regressors and scores, in either order) -> candidates with score >= threshold, in
// original-image pixels; `image` and `pad_bias` come from the letterbox. Throws Error on bad shapes.
std::vector<Detection> decode(const std::vector<cv::Mat>& outputs, const std::vector<cv::Point2f>& anchors,
                              cv::Size input, cv::Size image, cv::Point pad_bias, float score_threshold);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::mp_palmdet
