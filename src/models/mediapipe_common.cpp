#include "zoobench/models/mediapipe_common.hpp"

#include <fmt/format.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"

namespace zoobench::mediapipe {

namespace {

std::string shape_text(const cv::Mat& m) {
  std::string text;
  for (int i = 0; i < m.dims; ++i) text += fmt::format("{}{}", i == 0 ? "" : "x", m.size[i]);
  return text.empty() ? "empty" : text;
}

std::string shapes_text(const std::vector<cv::Mat>& outputs) {
  std::string text = "[";
  for (std::size_t i = 0; i < outputs.size(); ++i) text += (i == 0 ? "" : ", ") + shape_text(outputs[i]);
  return text + "]";
}

// Inverse of an affine transform with an invertible linear part.
cv::Matx23d inverse(const cv::Matx23d& m) {
  const double det = m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0);
  if (det == 0) throw Error("MediaPipe ROI: the rotation matrix is singular");
  const double a = m(1, 1) / det, b = -m(0, 1) / det, c = -m(1, 0) / det, d = m(0, 0) / det;
  return {a, b, -(a * m(0, 2) + b * m(1, 2)), c, d, -(c * m(0, 2) + d * m(1, 2))};
}

}  // namespace

std::vector<cv::Point2f> generate_anchors(const SsdAnchorOptions& options) {
  if (options.input.width <= 0 || options.input.height <= 0 || options.anchors_per_layer <= 0) {
    throw Error(fmt::format("SSD anchors: invalid input {}x{} or {} anchors per layer", options.input.width,
                            options.input.height, options.anchors_per_layer));
  }
  std::vector<cv::Point2f> anchors;
  std::size_t layer = 0;
  while (layer < options.strides.size()) {
    const int stride = options.strides[layer];
    if (stride <= 0) throw Error(fmt::format("SSD anchors: invalid stride {}", stride));
    // Consecutive layers with one stride share a feature map; their anchors interleave per cell.
    int per_cell = 0;
    std::size_t next = layer;
    while (next < options.strides.size() && options.strides[next] == stride) {
      per_cell += options.anchors_per_layer;
      ++next;
    }
    const int fw = (options.input.width + stride - 1) / stride;
    const int fh = (options.input.height + stride - 1) / stride;
    for (int y = 0; y < fh; ++y) {
      for (int x = 0; x < fw; ++x) {
        const cv::Point2f centre((static_cast<float>(x) + options.offset) / static_cast<float>(fw),
                                 (static_cast<float>(y) + options.offset) / static_cast<float>(fh));
        anchors.insert(anchors.end(), static_cast<std::size_t>(per_cell), centre);
      }
    }
    layer = next;
  }
  return anchors;
}

Letterbox letterbox(const cv::Mat& image, cv::Size input) {
  Letterbox out;
  if (image.size() == input) {
    out.image = image;
    return out;
  }
  if (image.empty()) throw Error("MediaPipe letterbox: empty image");
  const double ratio = std::min(static_cast<double>(input.height) / image.rows,
                                static_cast<double>(input.width) / image.cols);
  // Truncated like the zoo's astype(np.int32), at least one pixel.
  const cv::Size scaled(std::max(1, static_cast<int>(image.cols * ratio)),
                        std::max(1, static_cast<int>(image.rows * ratio)));
  cv::Mat resized;
  cv::resize(image, resized, scaled);
  const int pad_w = std::max(0, input.width - scaled.width);
  const int pad_h = std::max(0, input.height - scaled.height);
  const int left = pad_w / 2;
  const int top = pad_h / 2;
  cv::copyMakeBorder(resized, out.image, top, pad_h - top, left, pad_w - left, cv::BORDER_CONSTANT,
                     cv::Scalar::all(0));
  out.pad_bias = {static_cast<int>(left / ratio), static_cast<int>(top / ratio)};
  return out;
}

std::vector<Detection> decode_ssd(const cv::Mat& regressors, const cv::Mat& logits,
                                  const std::vector<cv::Point2f>& anchors, const SsdDecodeParams& params) {
  const std::size_t n = anchors.size();
  const auto width = static_cast<std::size_t>(4 + 2 * params.keypoints);
  if (regressors.total() != n * width || logits.total() != n || regressors.type() != CV_32F ||
      logits.type() != CV_32F) {
    throw Error(fmt::format("{}: outputs {} and {} ({} and {} float values); {} anchors need {} x {} box values "
                            "and {} scores",
                            params.family, shape_text(regressors), shape_text(logits), regressors.total(),
                            logits.total(), n, n, width, n));
  }
  const cv::Mat reg = regressors.isContinuous() ? regressors : regressors.clone();
  const cv::Mat scores = logits.isContinuous() ? logits : logits.clone();
  const float* r_data = reg.ptr<float>();
  const float* l_data = scores.ptr<float>();
  const auto in_w = static_cast<float>(params.input.width);
  const auto in_h = static_cast<float>(params.input.height);
  const auto scale = static_cast<float>(std::max(params.image.width, params.image.height));
  const auto pad_x = static_cast<float>(params.pad_bias.x);
  const auto pad_y = static_cast<float>(params.pad_bias.y);

  std::vector<Detection> candidates;
  for (std::size_t i = 0; i < n; ++i) {
    // The clip only guards exp() against overflow; it changes no score that passes a threshold.
    const double logit = std::clamp(static_cast<double>(l_data[i]), -100.0, 100.0);
    const double score = 1.0 / (1.0 + std::exp(-logit));
    if (!(score >= params.score_threshold)) continue;
    const float* r = r_data + i * width;
    const cv::Point2f& a = anchors[i];
    const float cx = r[0] / in_w + a.x;
    const float cy = r[1] / in_h + a.y;
    const float w = r[2] / in_w;
    const float h = r[3] / in_h;
    Detection d;
    const float x1 = (cx - w / 2) * scale - pad_x;
    const float y1 = (cy - h / 2) * scale - pad_y;
    d.box = {x1, y1, (cx + w / 2) * scale - pad_x - x1, (cy + h / 2) * scale - pad_y - y1};
    d.score = static_cast<float>(score);
    d.points.reserve(static_cast<std::size_t>(params.keypoints));
    for (int k = 0; k < params.keypoints; ++k) {
      d.points.emplace_back((r[4 + 2 * k] / in_w + a.x) * scale - pad_x, (r[5 + 2 * k] / in_h + a.y) * scale - pad_y);
    }
    candidates.push_back(std::move(d));
  }
  return candidates;
}

void require_bgr(const cv::Mat& image, const std::string& family) {
  if (image.empty() || image.type() != CV_8UC3) {
    throw DataError(fmt::format("{}: expected an 8-bit BGR image, got {} with {} channel(s)", family,
                                image.empty() ? std::string("an empty image") : shape_text(image), image.channels()));
  }
}

Layout input_layout(const OnnxInfo& info, Layout fallback) {
  if (info.inputs.empty()) return fallback;
  const auto& dims = info.inputs.front().dims;
  if (dims.size() != 4) return fallback;
  if (dims[3] == 3 && dims[1] != 3) return Layout::NHWC;
  if (dims[1] == 3) return Layout::NCHW;
  return fallback;
}

void make_blob(const cv::Mat& image, Layout layout, double scale, double shift, cv::Mat& blob) {
  if (image.empty() || image.channels() != 3 || image.dims != 2) {
    throw Error(fmt::format("MediaPipe input: expected a 3-channel image, got {} channel(s) of {}",
                            image.channels(), shape_text(image)));
  }
  const int rows = image.rows;
  const int cols = image.cols;
  if (layout == Layout::NHWC) {
    const int shape[] = {1, rows, cols, 3};
    blob.create(4, shape, CV_32F);
    // Convert straight into the blob's memory: NHWC is the image's own interleaved layout.
    cv::Mat view(rows, cols, CV_32FC3, blob.ptr<float>());
    image.convertTo(view, CV_32F, scale, shift);
    return;
  }
  const int shape[] = {1, 3, rows, cols};
  blob.create(4, shape, CV_32F);
  cv::Mat converted;
  image.convertTo(converted, CV_32F, scale, shift);
  cv::Mat planes[3];
  for (int c = 0; c < 3; ++c) planes[c] = cv::Mat(rows, cols, CV_32F, blob.ptr<float>(0, c));
  cv::split(converted, planes);
}

std::vector<const cv::Mat*> match_outputs(const std::vector<cv::Mat>& outputs,
                                          const std::vector<std::size_t>& expected_totals,
                                          const std::string& family) {
  std::vector<bool> used(outputs.size(), false);
  std::vector<const cv::Mat*> matched;
  for (std::size_t total : expected_totals) {
    std::size_t i = 0;
    while (i < outputs.size() && (used[i] || outputs[i].total() != total || outputs[i].type() != CV_32F ||
                                   !outputs[i].isContinuous())) {
      ++i;
    }
    if (i == outputs.size()) {
      std::string wanted;
      for (std::size_t t : expected_totals) wanted += fmt::format("{}{}", wanted.empty() ? "" : ", ", t);
      throw Error(fmt::format("{}: the net's outputs are {}; expected float outputs of {} values", family,
                              shapes_text(outputs), wanted));
    }
    used[i] = true;
    matched.push_back(&outputs[i]);
  }
  return matched;
}

std::vector<double> row_values(const cv::Mat& row, std::size_t min_values, const std::string& family,
                               const std::string& what) {
  if (row.total() < min_values || row.channels() != 1) {
    throw DataError(fmt::format("{}: a label row has {} value(s); expected {} ({} values)", family, row.total(), what,
                                min_values));
  }
  cv::Mat values;
  row.reshape(1, 1).convertTo(values, CV_64F);
  return {values.ptr<double>(), values.ptr<double>() + values.total()};
}

double upright_angle(cv::Point2d from, cv::Point2d to) {
  double radians = CV_PI / 2 - std::atan2(-(to.y - from.y), to.x - from.x);
  radians -= 2 * CV_PI * std::floor((radians + CV_PI) / (2 * CV_PI));
  return radians * 180.0 / CV_PI;
}

Corners shift_and_scale(const Corners& box, cv::Point2d shift, double scale) {
  const double w = box.width();
  const double h = box.height();
  const cv::Point2d c = box.centre() + cv::Point2d(shift.x * w, shift.y * h);
  const double half_w = w * scale / 2;
  const double half_h = h * scale / 2;
  return {c.x - half_w, c.y - half_h, c.x + half_w, c.y + half_h};
}

cv::Rect truncate(const Corners& box) {
  auto to_int = [](double v) {
    if (!(std::abs(v) < 1e9)) throw Error(fmt::format("MediaPipe ROI: box coordinate {} is not a usable pixel position", v));
    return static_cast<int>(v);  // truncation toward zero, as astype(np.int32)
  };
  const int x1 = to_int(box.x1);
  const int y1 = to_int(box.y1);
  return {x1, y1, to_int(box.x2) - x1, to_int(box.y2) - y1};
}

Corners bounds(const std::vector<cv::Point2d>& points) {
  if (points.empty()) return {};
  Corners box{points[0].x, points[0].y, points[0].x, points[0].y};
  for (const auto& p : points) {
    box.x1 = std::min(box.x1, p.x);
    box.y1 = std::min(box.y1, p.y);
    box.x2 = std::max(box.x2, p.x);
    box.y2 = std::max(box.y2, p.y);
  }
  return box;
}

cv::Point2d apply(const cv::Matx23d& m, cv::Point2d p) {
  return {m(0, 0) * p.x + m(0, 1) * p.y + m(0, 2), m(1, 0) * p.x + m(1, 1) * p.y + m(1, 2)};
}

cv::Point2d to_image(const RoiMapping& mapping, cv::Point2d input_point) {
  const cv::Point2d in_rotated(mapping.centre.x + (input_point.x - mapping.input.width / 2.0) * mapping.scale.x,
                               mapping.centre.y + (input_point.y - mapping.input.height / 2.0) * mapping.scale.y);
  return apply(inverse(mapping.rotation), in_rotated) + mapping.pad_bias;
}

cv::Point2d unrotate(const RoiMapping& mapping, cv::Point2d vector) {
  cv::Matx23d linear = inverse(mapping.rotation);
  linear(0, 2) = linear(1, 2) = 0;
  return apply(linear, vector);
}

cv::Mat pad_to_square(const cv::Mat& image, int side, cv::Point& left_top) {
  const int pad_w = std::max(0, side - image.cols);
  const int pad_h = std::max(0, side - image.rows);
  left_top = {pad_w / 2, pad_h / 2};
  cv::Mat square;
  cv::copyMakeBorder(image, square, left_top.y, pad_h - left_top.y, left_top.x, pad_w - left_top.x,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return square;
}

}  // namespace zoobench::mediapipe
