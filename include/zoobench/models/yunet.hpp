#pragma once
// YuNet face detection from the raw network outputs. Two output layouts exist:
//  - 2023mar: 12 outputs cls/obj/bbox/kps x strides 8/16/32, input padded to a multiple of 32;
//  - 2022mar: loc [N,14] / conf [N,2] / iou [N,1] against generated priors, input = the image size.
// Detection points are the 5 landmarks: right eye, left eye, nose tip, right and left mouth corners.
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/detection.hpp"

namespace zoobench::yunet {

constexpr int kPadDivisor = 32;

// (w, h) rounded up to multiples of 32, as the 2023mar model needs.
cv::Size padded_size(cv::Size size);

// outputs in the order cls_8, cls_16, cls_32, obj_8, obj_16, obj_32, bbox_8, bbox_16, bbox_32,
// kps_8, kps_16, kps_32; padded = the network input size. Candidates with score >= threshold.
std::vector<Detection> decode_strided(const std::vector<cv::Mat>& outputs, cv::Size padded, float score_threshold);

// Priors for the 2022mar layout (also LPD-YuNet's scheme): centre-size boxes normalised to the input.
std::vector<cv::Rect2f> generate_priors(cv::Size input, const std::vector<std::vector<float>>& min_sizes,
                                        const std::vector<int>& steps);

// generate_priors with YuNet's own min sizes {10,16,24},{32,48},{64,96},{128,192,256} and steps
// 8/16/32/64 (LPD-YuNet uses the same scheme).
std::vector<cv::Rect2f> default_priors(cv::Size input);

std::vector<Detection> decode_priors(const cv::Mat& loc, const cv::Mat& conf, const cv::Mat& iou,
                                     const std::vector<cv::Rect2f>& priors, cv::Size input, float score_threshold);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::yunet
