#pragma once
// MediaPipe person detection (the zoo's MPPersonDet, person_detection_mediapipe_2023mar): RGB scaled
// to [-1, 1], letterbox to 224x224 (padding 0 after normalising), NCHW input [1,3,224,224] (the zoo's
// converted model takes NCHW; an NHWC model is fed NHWC); outputs regressors [1,2254,12] (box + 4
// keypoints) and scores [1,2254,1], decoded against 2254 SSD anchors, then NMS. Detection points:
// hip centre, full-body point, shoulder centre, upper-body point (MPPose reads the first two).
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/detection.hpp"
#include "zoobench/models/mediapipe_common.hpp"

namespace zoobench::mp_persondet {

constexpr int kInputSide = 224;
constexpr int kKeypoints = 4;

// MediaPipe's pose-detection anchor scheme: strides 8/16/32/32/32, 2 anchors per layer and cell
// (2254 at 224).
mediapipe::SsdAnchorOptions anchor_options(cv::Size input);

// Raw outputs (regressors and scores, in either order) -> candidates with score >= threshold, in
// original-image pixels; `image` and `pad_bias` come from the letterbox. Throws Error on bad shapes.
std::vector<Detection> decode(const std::vector<cv::Mat>& outputs, const std::vector<cv::Point2f>& anchors,
                              cv::Size input, cv::Size image, cv::Point pad_bias, float score_threshold);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::mp_persondet
