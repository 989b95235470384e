#pragma once
// PP-HumanSeg (human_segmentation_pphumanseg): RGB, resize to 192x192, (x/255 - 0.5)/0.5; output
// [1,2,192,192] logits (background, person) -> each channel resized to the original image size
// (bilinear) -> per-pixel argmax -> CV_8U mask of class indices (0 background, 1 person).
#include <memory>

#include "zoobench/models/model.hpp"

namespace zoobench::pphumanseg {

// BGR image -> NCHW float blob of `input` size: RGB, (x/255 - 0.5)/0.5.
cv::Mat input_blob(const cv::Mat& bgr, cv::Size input);

// [1,C,H,W] logits -> CV_8U mask of `original` size holding the argmax class per pixel (the first
// maximum on ties, as numpy). Throws Error for a tensor that is not [1,C,H,W] float.
cv::Mat decode_mask(const cv::Mat& logits, cv::Size original);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::pphumanseg
