#pragma once
// LPD-YuNet license plate detection (the zoo's license_plate_detection_lpd_yunet_2023mar): raw BGR input,
// outputs loc [N,14] / conf [N,2] / iou [N,1] against YuNet-2022mar-style priors. Each plate is four
// corners (Detection::points, in the order of loc columns 4:6, 6:8, 10:12, 12:14, as the zoo draws them);
// Detection::box is their bounding box.
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/detection.hpp"

namespace zoobench::lpd_yunet {

// Priors for an input size (the zoo's min sizes and steps, through yunet::generate_priors).
std::vector<cv::Rect2f> priors_for(cv::Size input);

// Candidates with score = sqrt(conf[:,1] * clamp(iou, 0, 1)) >= score_threshold, corners in input pixels.
std::vector<Detection> decode(const cv::Mat& loc, const cv::Mat& conf, const cv::Mat& iou,
                              const std::vector<cv::Rect2f>& priors, cv::Size input, float score_threshold);

// The zoo's NMS, quirk included: cv::dnn::NMSBoxes receives the first two corners (x1, y1, x2, y2) as if
// they were (x, y, w, h). Keeps at most top_k through NMS (<= 0: all), then the first keep_top_k.
std::vector<Detection> suppress(const std::vector<Detection>& candidates, float score_threshold, float nms_threshold,
                                int top_k, int keep_top_k);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::lpd_yunet
