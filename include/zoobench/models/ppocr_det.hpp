#pragma once
// PP-OCRv3 DB text detection (the zoo's text_detection_{cn,en}_ppocrv3_2023may), which the zoo runs
// through cv::dnn::TextDetectionModel_DB; here the DB post-processing is our own: binarise the
// probability map, find contours, score each by the mean probability inside it, take its minimum-area
// rectangle, grow it by the unclip offset and return the four corners in image pixels.
// Detection::points holds each quad as bottom-left, top-left, top-right, bottom-right (the order
// TextDetectionModel_DB returns and the CRNN label rows use); Detection::box is its bounding box and
// Detection::score the contour's mean probability.
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/detection.hpp"

namespace zoobench::ppocr_det {

struct DbParams {
  float binary_threshold = 0.3f;   // probability map -> text pixels
  float polygon_threshold = 0.5f;  // minimum mean probability of a kept region
  int max_candidates = 200;        // contours examined (<= 0: all)
  float unclip_ratio = 2.0f;       // offset = area * ratio / perimeter
};

// The network input: BGR resized to `size`, (x - (123.675, 116.28, 103.53)) / (255 * (0.229, 0.224, 0.225))
// per channel in that order, as the zoo sets TextDetectionModel_DB up (mean and scale are ImageNet's RGB
// values applied to BGR channels: swapRB stays false).
cv::Mat make_blob(const cv::Mat& image, cv::Size size);

// The probability map ([H, W], [1, H, W] or [1, 1, H, W] float) as an H x W matrix. Throws Error.
cv::Mat probability_map(const cv::Mat& output);

// A rotated rectangle grown by the DB unclip offset: d = area * ratio / perimeter on every side.
cv::RotatedRect unclip(const cv::RotatedRect& rect, float ratio);

// The rectangle's corners as bottom-left, top-left, top-right, bottom-right with its long side read as
// the text direction, left to right.
std::vector<cv::Point2f> text_quad(const cv::RotatedRect& rect);

// DB post-processing of an H x W probability map into quads in an image of `image_size` pixels.
std::vector<Detection> decode(const cv::Mat& probability, cv::Size image_size, const DbParams& params);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::ppocr_det
