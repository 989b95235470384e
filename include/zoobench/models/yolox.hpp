#pragma once
// YOLOX (the zoo's 2022nov YOLOX-S at 640x640, and YOLOX-Nano at 416x416): letterbox with 114 padding,
// raw BGR float input (no normalisation), one output [1, N, 5 + classes] decoded against a grid over
// strides 8/16/32, score = objectness x class probability, per-class NMS.
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/detection.hpp"

namespace zoobench::yolox {

// Letterboxes `image` into `input` (top-left aligned, 114 padding); returns the resize ratio.
float letterbox(const cv::Mat& image, cv::Size input, cv::Mat& out);

// output: [1, N, 5 + C] or [N, 5 + C] for an input of `input` size; boxes are divided by `ratio` to
// map them back to the original image. Candidates with score >= threshold (not yet NMS'd).
std::vector<Detection> decode(const cv::Mat& output, cv::Size input, float ratio, float score_threshold);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::yolox
