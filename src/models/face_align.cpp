#include "zoobench/models/face_align.hpp"

#include <fmt/format.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"

namespace zoobench::face_align {

namespace {

constexpr int kLandmarkColumn = 4;  // x, y, w, h come first
constexpr int kLandmarks = 5;

}  // namespace

const std::vector<cv::Point2d>& arcface_template() {
  static const std::vector<cv::Point2d> points = {
      {38.2946, 51.6963}, {73.5318, 51.5014}, {56.0252, 71.7366}, {41.5493, 92.3655}, {70.7299, 92.2041}};
  return points;
}

std::vector<cv::Point2d> landmarks_of(const cv::Mat& face_row) {
  const int needed = kLandmarkColumn + 2 * kLandmarks;
  if (face_row.rows != 1 || face_row.cols < needed || face_row.channels() != 1) {
    throw Error(fmt::format("face row has {}x{} values; expected one row of at least {} (x, y, w, h and 5 "
                            "landmark x,y pairs, as YuNet writes them)",
                            face_row.rows, face_row.cols, needed));
  }
  cv::Mat row;
  face_row.convertTo(row, CV_64F);
  std::vector<cv::Point2d> points;
  for (int i = 0; i < kLandmarks; ++i) {
    points.emplace_back(row.at<double>(0, kLandmarkColumn + 2 * i), row.at<double>(0, kLandmarkColumn + 2 * i + 1));
  }
  return points;
}

cv::Mat similarity_transform(const std::vector<cv::Point2d>& from, const std::vector<cv::Point2d>& to) {
  if (from.size() != to.size() || from.size() < 2) {
    throw Error(fmt::format("similarity transform needs the same number (>= 2) of source and target points, got "
                            "{} and {}",
                            from.size(), to.size()));
  }
  const auto n = static_cast<double>(from.size());
  cv::Point2d from_mean, to_mean;
  for (std::size_t i = 0; i < from.size(); ++i) {
    from_mean += from[i];
    to_mean += to[i];
  }
  from_mean /= n;
  to_mean /= n;
  // With A = [[a, -b], [b, a]] the residual is linear in (a, b), so the centred least-squares solution
  // is closed-form: a = sum(p.q) / sum|p|^2, b = sum(p x q) / sum|p|^2 (p, q centred).
  double spread = 0, dot = 0, cross = 0;
  for (std::size_t i = 0; i < from.size(); ++i) {
    const cv::Point2d p = from[i] - from_mean;
    const cv::Point2d q = to[i] - to_mean;
    spread += p.dot(p);
    dot += p.dot(q);
    cross += p.x * q.y - p.y * q.x;
  }
  if (!(spread > 1e-12) || !std::isfinite(spread)) {
    throw Error("face landmarks coincide (or are not finite): no similarity transform to the template exists");
  }
  const double a = dot / spread;
  const double b = cross / spread;
  const double tx = to_mean.x - (a * from_mean.x - b * from_mean.y);
  const double ty = to_mean.y - (b * from_mean.x + a * from_mean.y);
  return (cv::Mat_<double>(2, 3) << a, -b, tx, b, a, ty);
}

cv::Mat warp_to_crop(const cv::Mat& image, const cv::Mat& transform) {
  cv::Mat crop;
  cv::warpAffine(image, crop, transform, {kAlignedSide, kAlignedSide}, cv::INTER_LINEAR);
  return crop;
}

}  // namespace zoobench::face_align
