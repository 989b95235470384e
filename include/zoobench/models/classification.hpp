#pragma once
// ImageNet classification: MobileNet V1/V2 and PP-ResNet50. The loader supplies an RGB, centre-cropped
// 224x224 image (toRGB + centerCrop in the config); preprocess normalises with ImageNet mean/std into
// NCHW float; postprocess keeps the top max(topK, 5) classes, best first (5 at least, so that a CUDA
// row's top-5 can be compared with the CPU's; the summary names the best).
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"

namespace zoobench::classification {

// The k best entries of a [1, C] (or [C]) score tensor, best first; ties keep the lower index first.
std::vector<ClassScore> top_k(const cv::Mat& scores, int k);

// RGB uint8 image -> NCHW float blob of (x/255 - mean)/std with ImageNet's mean and std, resized to
// `input` when it differs.
cv::Mat imagenet_blob(const cv::Mat& rgb, cv::Size input);

// One implementation serves MobileNet V1/V2 and PP-ResNet50: they differ only in weights.
std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::classification
