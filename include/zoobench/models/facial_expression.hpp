#pragma once
// Facial expression recognition (facial_expression_recognition, MobileFaceNet): a 5-point similarity
// warp of the face row's landmarks to 112x112, RGB, (x/255 - 0.5)/0.5, input `data` [1,3,112,112],
// output `label` [1,7] -> argmax over the 7 expressions (ModelResult.classes, best first).
#include <memory>
#include <string>

#include "zoobench/models/model.hpp"

namespace zoobench::fer {

constexpr int kExpressions = 7;

// "angry", "disgust", "fearful", "happy", "neutral", "sad", "surprised" (the zoo's order); "?" outside.
const char* expression_name(int index);

// The 2x3 image -> crop transform for a face row (landmarks in columns 4..13).
cv::Mat alignment_transform(const cv::Mat& face_row);

// The 112x112 aligned crop of a face row.
cv::Mat align_crop(const cv::Mat& image, const cv::Mat& face_row);

// A 112x112 BGR crop -> NCHW float blob: RGB, (x/255 - 0.5)/0.5.
cv::Mat input_blob(const cv::Mat& face_bgr);

// [1,7] scores -> the best expression. Throws Error for any other shape.
ClassScore best_expression(const cv::Mat& scores);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::fer
