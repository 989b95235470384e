#pragma once
// YoutuReID person re-identification (person_reid_youtureid): RGB, (x/255 - mean)/std with ImageNet's
// mean and std, input [1,3,256,128]; output reshaped to a 1x768 feature in ModelResult.feature. The zoo's
// infer() returns the raw feature (it L2-normalises only inside query()), and so does this family.
#include <memory>

#include "zoobench/models/model.hpp"

namespace zoobench::youtureid {

// BGR person crop -> NCHW float blob of `input` size (W x H, 128x256 for the zoo's model).
cv::Mat input_blob(const cv::Mat& bgr, cv::Size input);

// The net's output -> a 1 x D CV_32F feature. Throws Error when it is empty or holds more than one row.
cv::Mat feature_of(const cv::Mat& output);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::youtureid
