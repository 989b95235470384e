#pragma once
// 5-point face alignment shared by SFace and FacialExpressionRecog: a similarity transform (rotation,
// uniform scale, translation) that puts a face's landmarks onto the ArcFace 112x112 template, then a
// warp to 112x112. The landmarks come from a YuNet face row [x, y, w, h, 10 landmark coords (, score)]
// in YuNet's order: right eye, left eye, nose tip, right and left mouth corners.
#include <vector>

#include <opencv2/core.hpp>

namespace zoobench::face_align {

constexpr int kAlignedSide = 112;

// The ArcFace template in the 112x112 crop, in YuNet's landmark order.
const std::vector<cv::Point2d>& arcface_template();

// The 5 landmarks of a face row: columns 4..13. Throws Error when the row is shorter or not numeric.
std::vector<cv::Point2d> landmarks_of(const cv::Mat& face_row);

// Least-squares similarity mapping `from` onto `to` (same number of points, >= 2): minimises the summed
// squared distance in `to`'s frame. Returns a 2x3 CV_64F matrix. No reflection, as OpenCV's alignCrop.
// Throws Error when the point counts differ or the `from` points all coincide.
cv::Mat similarity_transform(const std::vector<cv::Point2d>& from, const std::vector<cv::Point2d>& to);

// Applies a 2x3 transform: the 112x112 crop (bilinear, black outside the image).
cv::Mat warp_to_crop(const cv::Mat& image, const cv::Mat& transform);

}  // namespace zoobench::face_align
