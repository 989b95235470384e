#include "zoobench/models/yolox.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::yolox {

namespace {

constexpr int kStrides[] = {8, 16, 32};
constexpr double kPadValue = 114.0;

class YoloX final : public DnnModel {
 public:
  explicit YoloX(const ModelContext& ctx)
      : DnnModel(ctx),
        m_conf_threshold(static_cast<float>(ctx.params.number("confThreshold", 0.35))),
        m_nms_threshold(static_cast<float>(ctx.params.number("nmsThreshold", 0.5))),
        m_input_size(declared_input_size({640, 640})) {
    // The zoo's wrapper takes objThreshold but never uses it; read it so it is not reported unknown.
    ctx.params.number("objThreshold", 0.5);
  }

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    cv::Mat boxed;
    m_ratio = letterbox(image, m_input_size, boxed);
    m_blob = cv::dnn::blobFromImage(boxed);  // HWC -> NCHW float, BGR kept (as the zoo's Python)
  }

  void postprocess() override {
    m_result.detections = nms_per_class(decode(m_outputs.at(0), m_input_size, m_ratio, m_conf_threshold),
                                 m_conf_threshold, m_nms_threshold);
  }

  std::string result_summary() const override { return summarize_detections(m_result.detections, "objects"); }

 private:
  float m_conf_threshold;
  float m_nms_threshold;
  cv::Size m_input_size;
  float m_ratio = 1.f;
};

}  // namespace

float letterbox(const cv::Mat& image, cv::Size input, cv::Mat& out) {
  const float ratio = std::min(static_cast<float>(input.height) / static_cast<float>(image.rows),
                               static_cast<float>(input.width) / static_cast<float>(image.cols));
  if (image.size() == input) {
    out = image;
    return 1.f;
  }
  const cv::Size scaled(static_cast<int>(std::lround(static_cast<float>(image.cols) * ratio)),
                        static_cast<int>(std::lround(static_cast<float>(image.rows) * ratio)));
  cv::Mat resized;
  cv::resize(image, resized, scaled, 0, 0, cv::INTER_LINEAR);
  out = cv::Mat(input, image.type(), cv::Scalar::all(kPadValue));
  resized.copyTo(out(cv::Rect(0, 0, std::min(scaled.width, input.width), std::min(scaled.height, input.height))));
  return ratio;
}

std::vector<Detection> decode(const cv::Mat& output, cv::Size input, float ratio, float score_threshold) {
  const int width = output.dims >= 2 ? output.size[output.dims - 1] : 0;
  const int anchors = width > 5 ? static_cast<int>(output.total()) / width : 0;
  int expected = 0;
  for (int s : kStrides) expected += (input.width / s) * (input.height / s);
  if (width <= 5 || anchors != expected) {
    throw Error(fmt::format("YOLOX: output has {} rows of {} values; a {}x{} input needs {} rows of 5 + classes",
                            anchors, width, input.width, input.height, expected));
  }
  std::vector<Detection> candidates;
  const float* data = output.ptr<float>();
  int index = 0;
  for (int stride : kStrides) {
    const int cols = input.width / stride;
    const int rows = input.height / stride;
    for (int gy = 0; gy < rows; ++gy) {
      for (int gx = 0; gx < cols; ++gx, ++index) {
        const float* r = data + static_cast<std::ptrdiff_t>(index) * width;
        const float* best = std::max_element(r + 5, r + width);
        const float score = r[4] * *best;
        if (!(score >= score_threshold)) continue;
        const auto s = static_cast<float>(stride);
        const float cx = (r[0] + static_cast<float>(gx)) * s;
        const float cy = (r[1] + static_cast<float>(gy)) * s;
        const float w = std::exp(r[2]) * s;
        const float h = std::exp(r[3]) * s;
        Detection d;
        d.box = {(cx - w / 2) / ratio, (cy - h / 2) / ratio, w / ratio, h / ratio};
        d.score = score;
        d.class_id = static_cast<int>(best - (r + 5));
        candidates.push_back(d);
      }
    }
  }
  return candidates;
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<YoloX>(ctx); }

}  // namespace zoobench::yolox
