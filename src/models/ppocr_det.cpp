#include "zoobench/models/ppocr_det.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::ppocr_det {

namespace {

const cv::Scalar kMean(123.675, 116.28, 103.53);
const double kStd[3] = {0.229, 0.224, 0.225};
// Regions whose rectangle is under this many map pixels on its short side are noise (OpenCV's DB and
// PaddleOCR drop them the same way).
constexpr float kMinSide = 3.f;


// Mean probability inside the contour (its filled polygon), as OpenCV's TextDetectionModel_DB scores.
double contour_score(const cv::Mat& probability, const std::vector<cv::Point>& contour) {
  const cv::Rect roi = cv::boundingRect(contour) & cv::Rect(0, 0, probability.cols, probability.rows);
  if (roi.empty()) return 0;
  cv::Mat mask = cv::Mat::zeros(roi.size(), CV_8U);
  std::vector<cv::Point> shifted;
  shifted.reserve(contour.size());
  for (const auto& p : contour) shifted.emplace_back(p.x - roi.x, p.y - roi.y);
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{shifted}, cv::Scalar(1));
  return cv::mean(probability(roi), mask)[0];
}

class PPOCRDet final : public DnnModel {
 public:
  explicit PPOCRDet(const ModelContext& ctx)
      : DnnModel(ctx), m_input_size(declared_input_size({736, 736})) {  // the zoo class's default inputSize
    m_params.binary_threshold = static_cast<float>(ctx.params.number("binaryThreshold", 0.3));
    m_params.polygon_threshold = static_cast<float>(ctx.params.number("polygonThreshold", 0.5));
    m_params.max_candidates = ctx.params.integer("maxCandidates", 200);
    m_params.unclip_ratio = static_cast<float>(ctx.params.number("unclipRatio", 2.0));
  }

  void set_input_size(cv::Size size) override { m_input_size = size; }

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    m_image_size = image.size();
    m_blob = make_blob(image, m_input_size);
  }

  void postprocess() override {
    if (m_outputs.empty()) throw Error("PPOCRDet: the network returned no output");
    m_result.detections = decode(probability_map(m_outputs[0]), m_image_size, m_params);
  }

  std::string result_summary() const override { return summarize_detections(m_result.detections, "text regions"); }

 private:
  DbParams m_params;
  cv::Size m_input_size;
  cv::Size m_image_size;
};

}  // namespace

cv::Mat make_blob(const cv::Mat& image, cv::Size size) {
  cv::Mat blob = cv::dnn::blobFromImage(image, 1.0, size, kMean, false, false);
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(size, CV_32F, blob.ptr<float>(0, c));
    plane *= 1.0 / (255.0 * kStd[c]);
  }
  return blob;
}

cv::Mat probability_map(const cv::Mat& output) {
  const bool leading_ones = output.dims >= 2 && std::all_of(output.size.p, output.size.p + output.dims - 2,
                                                             [](int d) { return d == 1; });
  if (output.empty() || output.depth() != CV_32F || !leading_ones) {
    throw Error("PPOCRDet: expected a float probability map [H, W] or [1, 1, H, W] from the network");
  }
  const int h = output.size[output.dims - 2];
  const int w = output.size[output.dims - 1];
  return cv::Mat(h, w, CV_32F, const_cast<float*>(output.ptr<float>()));
}

cv::RotatedRect unclip(const cv::RotatedRect& rect, float ratio) {
  // For a rectangle the DB polygon offset (pyclipper in PaddleOCR, line intersections in OpenCV) moves
  // every side out by the same distance, so the result is the same rectangle grown by 2d.
  const float w = rect.size.width;
  const float h = rect.size.height;
  const float perimeter = 2.f * (w + h);
  if (!(perimeter > 0.f)) return rect;
  const float d = w * h * ratio / perimeter;
  return {rect.center, cv::Size2f(w + 2.f * d, h + 2.f * d), rect.angle};
}

std::vector<cv::Point2f> text_quad(const cv::RotatedRect& rect) {
  const double angle = rect.angle * CV_PI / 180.0;
  cv::Point2f u(static_cast<float>(std::cos(angle)), static_cast<float>(std::sin(angle)));  // along the width
  float length = rect.size.width;
  float thickness = rect.size.height;
  if (thickness > length) {  // text runs along the long side
    std::swap(length, thickness);
    u = {-u.y, u.x};
  }
  if (u.x < -1e-6f || (std::abs(u.x) <= 1e-6f && u.y < 0)) u = -u;  // read left to right
  const cv::Point2f v(-u.y, u.x);                                      // "down" across the text
  const cv::Point2f along = u * (length / 2.f);
  const cv::Point2f across = v * (thickness / 2.f);
  const cv::Point2f c = rect.center;
  return {c - along + across, c - along - across, c + along - across, c + along + across};
}

std::vector<Detection> decode(const cv::Mat& probability, cv::Size image_size, const DbParams& params) {
  if (probability.empty() || probability.type() != CV_32F || probability.dims != 2) {
    throw Error("PPOCRDet: the probability map must be a non-empty float H x W matrix");
  }
  const cv::Mat bitmap = probability > params.binary_threshold;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const float sx = static_cast<float>(image_size.width) / static_cast<float>(probability.cols);
  const float sy = static_cast<float>(image_size.height) / static_cast<float>(probability.rows);
  std::size_t count = contours.size();
  if (params.max_candidates > 0) count = std::min(count, static_cast<std::size_t>(params.max_candidates));

  std::vector<Detection> regions;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& contour = contours[i];
    const double score = contour_score(probability, contour);
    if (score < params.polygon_threshold) continue;
    // As TextDetectionModel_DB: the rectangle and its offset are taken in image pixels.
    std::vector<cv::Point2f> scaled;
    scaled.reserve(contour.size());
    for (const auto& p : contour) scaled.emplace_back(static_cast<float>(p.x) * sx, static_cast<float>(p.y) * sy);
    const cv::RotatedRect rect = cv::minAreaRect(scaled);
    if (std::min(rect.size.width, rect.size.height) < kMinSide * std::max(sx, sy)) continue;
    Detection region;
    region.points = text_quad(unclip(rect, params.unclip_ratio));
    region.box = bounding_box(region.points);
    region.score = static_cast<float>(score);
    regions.push_back(std::move(region));
  }
  return regions;
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<PPOCRDet>(ctx); }

}  // namespace zoobench::ppocr_det
