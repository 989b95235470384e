#pragma once
// NanoDet-Plus-m 1.5x 416 (the zoo's object_detection_nanodet_2022nov): BGR input normalised by
// (x - [103.53, 116.28, 123.675]) / [57.375, 57.12, 58.395], one pair of outputs per stride level (class
// scores [N, C] and distance distributions [N, 4 * (reg_max + 1)]), distribution focal decode,
// class-agnostic NMS. The published file has three levels (strides 8/16/32); the zoo's Python zips its
// four strides with them and so silently uses three. Here the levels and strides come from the shapes.
#include <memory>
#include <string>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/detection.hpp"

namespace zoobench::nanodet {

constexpr int kRegMax = 7;                    // 8 bins per box side
constexpr int kStrides[] = {8, 16, 32, 64, 128};  // the strides a level may have, finest first
constexpr int kPreNmsTop = 1000;              // per level, by best class score (the zoo's nms_pre)

// One stride level: class scores [N, C] and distance bins [N, 4 * (kRegMax + 1)] (a leading 1 is fine),
// on a grid of `cols` cells per row.
struct Level {
  cv::Mat cls;
  cv::Mat reg;
  int stride = 0;
  int cols = 0;
};

// Pairs the outputs into levels, finest stride first: two tensors with the same row count form a level,
// the one with 4 * (kRegMax + 1) columns is the distances (the zoo relies on the order cls, reg, cls,
// reg, which OpenCV's unconnected-output list does not promise). Each level's stride is the one of
// kStrides whose grid on `input` has its row count: floor(input / stride) cells per side (the zoo's
// anchors), or ceil(). Any number of levels fits; a layout that does not throws Error naming the
// outputs found (`names`, parallel to `outputs`, may be empty).
std::vector<Level> arrange_outputs(const std::vector<cv::Mat>& outputs, cv::Size input,
                                   const std::vector<std::string>& names = {});

// Candidates (score >= score_threshold) in input pixels, boxes clipped to the input, before NMS.
std::vector<Detection> decode(const std::vector<Level>& levels, cv::Size input, float score_threshold);

// The zoo demo's letterbox: keep the aspect ratio (INTER_AREA), centre, pad with 0. An image that
// already has the input size is passed through.
struct Letterbox {
  cv::Mat image;
  int top = 0;
  int left = 0;
  cv::Size scaled;  // the resized image inside the padding
};
Letterbox letterbox(const cv::Mat& image, cv::Size input);

// Maps a box from input pixels back to the original image (clipped to it).
cv::Rect2f unletterbox(const cv::Rect2f& box, const Letterbox& lb, cv::Size original);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::nanodet
