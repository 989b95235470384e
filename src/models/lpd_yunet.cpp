#include "zoobench/models/lpd_yunet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/models/dnn_model.hpp"
#include "zoobench/models/yunet.hpp"

namespace zoobench::lpd_yunet {

namespace {

const std::vector<std::string> kOutputs = {"loc", "conf", "iou"};

constexpr float kVariance0 = 0.1f;  // the zoo's variance [0.1, 0.2]; corners use only the first
// loc columns holding the four corners (x, y pairs), in the zoo's order.
constexpr int kCornerColumns[4] = {4, 6, 10, 12};

class LpdYuNet final : public DnnModel {
 public:
  explicit LpdYuNet(const ModelContext& ctx)
      : DnnModel(ctx, 0, kOutputs),
        m_score_threshold(static_cast<float>(ctx.params.number("confThreshold", 0.8))),
        m_nms_threshold(static_cast<float>(ctx.params.number("nmsThreshold", 0.3))),
        m_top_k(ctx.params.integer("topK", 5000)),
        m_keep_top_k(ctx.params.integer("keepTopK", 750)) {
    set_input_size(declared_input_size({320, 240}));  // the zoo's default inputSize
  }

  void set_input_size(cv::Size size) override {
    m_input_size = size;
    m_priors = priors_for(size);
  }

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    // The zoo asserts the image already has the input size (its loader resizes, untimed); other sizes
    // are resized here and the corners scaled back.
    cv::Mat input;
    m_scale = resize_for_input(image, m_input_size, input);
    m_blob = cv::dnn::blobFromImage(input);  // BGR, scale 1, no mean
  }

  void postprocess() override {
    if (m_outputs.size() != 3) {
      throw Error(fmt::format("LPD-YuNet: expected 3 outputs (loc, conf, iou), got {}", m_outputs.size()));
    }
    m_result.detections = suppress(
        decode(m_outputs[0], m_outputs[1], m_outputs[2], m_priors, m_input_size, m_score_threshold),
        m_score_threshold, m_nms_threshold, m_top_k, m_keep_top_k);
    for (auto& plate : m_result.detections) {
      for (auto& p : plate.points) p = {p.x * m_scale.x, p.y * m_scale.y};
      plate.box = bounding_box(plate.points);
    }
  }

  std::string result_summary() const override { return summarize_detections(m_result.detections, "plates"); }

 private:
  float m_score_threshold;
  float m_nms_threshold;
  int m_top_k;
  int m_keep_top_k;
  cv::Size m_input_size;
  cv::Point2f m_scale{1.f, 1.f};
  std::vector<cv::Rect2f> m_priors;
};

}  // namespace

std::vector<cv::Rect2f> priors_for(cv::Size input) { return yunet::default_priors(input); }

std::vector<Detection> decode(const cv::Mat& loc, const cv::Mat& conf, const cv::Mat& iou,
                              const std::vector<cv::Rect2f>& priors, cv::Size input, float score_threshold) {
  const auto n = static_cast<int>(priors.size());
  if (static_cast<int>(loc.total()) != n * 14 || static_cast<int>(conf.total()) != n * 2 ||
      static_cast<int>(iou.total()) != n || loc.depth() != CV_32F || conf.depth() != CV_32F ||
      iou.depth() != CV_32F) {
    throw Error(fmt::format("LPD-YuNet: outputs loc/conf/iou ({}/{}/{} values) do not match {} priors for a {}x{} "
                            "input (expected float [N,14]/[N,2]/[N,1])",
                            loc.total(), conf.total(), iou.total(), n, input.width, input.height));
  }
  const auto w = static_cast<float>(input.width);
  const auto h = static_cast<float>(input.height);
  const float* l = loc.ptr<float>();
  const float* c = conf.ptr<float>();
  const float* q = iou.ptr<float>();
  std::vector<Detection> plates;
  for (int i = 0; i < n; ++i) {
    const float score = std::sqrt(c[2 * i + 1] * std::clamp(q[i], 0.f, 1.f));
    if (!(score >= score_threshold)) continue;
    const cv::Rect2f& p = priors[static_cast<std::size_t>(i)];
    const float* row = l + static_cast<std::ptrdiff_t>(i) * 14;
    Detection plate;
    plate.score = score;
    for (int col : kCornerColumns) {
      plate.points.emplace_back((p.x + row[col] * kVariance0 * p.width) * w,
                                (p.y + row[col + 1] * kVariance0 * p.height) * h);
    }
    plate.box = bounding_box(plate.points);
    plates.push_back(std::move(plate));
  }
  return plates;
}

std::vector<Detection> suppress(const std::vector<Detection>& candidates, float score_threshold, float nms_threshold,
                                int top_k, int keep_top_k) {
  std::vector<cv::Rect2d> boxes;
  std::vector<float> scores;
  boxes.reserve(candidates.size());
  scores.reserve(candidates.size());
  for (const auto& d : candidates) {
    if (d.points.size() < 2) throw Error("LPD-YuNet: a candidate plate has fewer than 2 corners");
    // Reproduces the zoo: dets[:, 0:4] = (x1, y1, x2, y2) goes to NMSBoxes, which reads it as x, y, w, h.
    boxes.emplace_back(d.points[0].x, d.points[0].y, d.points[1].x, d.points[1].y);
    scores.push_back(d.score);
  }
  std::vector<int> keep;
  cv::dnn::NMSBoxes(boxes, scores, score_threshold, nms_threshold, keep, 1.f, std::max(top_k, 0));
  if (keep_top_k > 0 && static_cast<int>(keep.size()) > keep_top_k) keep.resize(static_cast<std::size_t>(keep_top_k));
  std::vector<Detection> kept;
  kept.reserve(keep.size());
  for (int i : keep) kept.push_back(candidates[static_cast<std::size_t>(i)]);
  return kept;
}

std::unique_ptr<Model> create(const ModelContext& ctx) {
  check_model_file(ctx.files.at(0));
  const OnnxInfo info = read_onnx_info(ctx.files.at(0));
  for (const auto& name : kOutputs) {
    const bool found =
        std::any_of(info.outputs.begin(), info.outputs.end(), [&](const auto& o) { return o.name == name; });
    if (!found) {
      throw ModelError(ModelError::Kind::Unsupported,
                       fmt::format("{}: not an LPD-YuNet model (needs outputs loc, conf, iou; '{}' is missing)",
                                   ctx.files.at(0).string(), name));
    }
  }
  return std::make_unique<LpdYuNet>(ctx);
}

}  // namespace zoobench::lpd_yunet
