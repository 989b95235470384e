#include "zoobench/models/yunet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::yunet {

namespace {

const std::vector<std::string> kStridedOutputs = {"cls_8",  "cls_16",  "cls_32",  "obj_8", "obj_16", "obj_32",
                                                  "bbox_8", "bbox_16", "bbox_32", "kps_8", "kps_16", "kps_32"};
const std::vector<std::string> kPriorOutputs = {"loc", "conf", "iou"};
const std::vector<std::vector<float>> kMinSizes = {{10, 16, 24}, {32, 48}, {64, 96}, {128, 192, 256}};
const std::vector<int> kSteps = {8, 16, 32, 64};
constexpr float kVariance0 = 0.1f;
constexpr float kVariance1 = 0.2f;

bool has_outputs(const OnnxInfo& info, const std::vector<std::string>& names) {
  return std::all_of(names.begin(), names.end(), [&](const std::string& name) {
    return std::any_of(info.outputs.begin(), info.outputs.end(), [&](const auto& o) { return o.name == name; });
  });
}

const float* row(const cv::Mat& m, int i, int width) { return m.ptr<float>() + static_cast<std::ptrdiff_t>(i) * width; }

class YuNet final : public DnnModel {
 public:
  enum class Layout { Strided, Priors };

  YuNet(const ModelContext& ctx, Layout layout)
      : DnnModel(ctx, 0, layout == Layout::Strided ? kStridedOutputs : kPriorOutputs),
        m_layout(layout),
        m_score_threshold(static_cast<float>(ctx.params.number("confThreshold", 0.9))),
        m_nms_threshold(static_cast<float>(ctx.params.number("nmsThreshold", 0.3))),
        m_top_k(ctx.params.integer("topK", 5000)),
        m_keep_top_k(ctx.params.integer("keepTopK", 750)) {
    set_input_size(declared_input_size({320, 320}));
  }

  void set_input_size(cv::Size size) override {
    m_input_size = size;
    if (m_layout == Layout::Priors) m_priors = default_priors(size);
  }

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    cv::Mat input;
    m_scale = resize_for_input(image, m_input_size, input);
    if (m_layout == Layout::Strided) {
      const cv::Size padded = padded_size(m_input_size);
      cv::copyMakeBorder(input, input, 0, padded.height - input.rows, 0, padded.width - input.cols,
                         cv::BORDER_CONSTANT, cv::Scalar::all(0));
    }
    m_blob = cv::dnn::blobFromImage(input);  // BGR, scale 1, no mean: the model normalises itself
  }

  void postprocess() override {
    std::vector<Detection> candidates =
        m_layout == Layout::Strided
            ? decode_strided(m_outputs, padded_size(m_input_size), m_score_threshold)
            : decode_priors(m_outputs[0], m_outputs[1], m_outputs[2], m_priors, m_input_size, m_score_threshold);
    m_result.detections = nms(candidates, m_score_threshold, m_nms_threshold, m_top_k);
    if (m_keep_top_k > 0 && static_cast<int>(m_result.detections.size()) > m_keep_top_k) m_result.detections.resize(static_cast<std::size_t>(m_keep_top_k));
    for (auto& face : m_result.detections) scale_detection(face, m_scale);
  }

  std::string result_summary() const override { return summarize_detections(m_result.detections, "faces"); }

 private:
  Layout m_layout;
  float m_score_threshold;
  float m_nms_threshold;
  int m_top_k;
  int m_keep_top_k;
  cv::Size m_input_size;
  cv::Point2f m_scale{1.f, 1.f};
  std::vector<cv::Rect2f> m_priors;
};

}  // namespace

cv::Size padded_size(cv::Size size) {
  auto up = [](int v) { return ((std::max(v, 1) - 1) / kPadDivisor + 1) * kPadDivisor; };
  return {up(size.width), up(size.height)};
}

std::vector<Detection> decode_strided(const std::vector<cv::Mat>& outputs, cv::Size padded, float score_threshold) {
  if (outputs.size() != 12) {
    throw Error(fmt::format("YuNet: expected 12 outputs (cls/obj/bbox/kps x 3 strides), got {}", outputs.size()));
  }
  std::vector<Detection> faces;
  const int strides[3] = {8, 16, 32};
  for (int s = 0; s < 3; ++s) {
    const int stride = strides[s];
    const int cols = padded.width / stride;
    const int rows = padded.height / stride;
    const cv::Mat& cls = outputs[static_cast<std::size_t>(s)];
    const cv::Mat& obj = outputs[static_cast<std::size_t>(s + 3)];
    const cv::Mat& bbox = outputs[static_cast<std::size_t>(s + 6)];
    const cv::Mat& kps = outputs[static_cast<std::size_t>(s + 9)];
    if (static_cast<int>(cls.total()) != rows * cols || static_cast<int>(bbox.total()) != rows * cols * 4 ||
        static_cast<int>(kps.total()) != rows * cols * 10 || static_cast<int>(obj.total()) != rows * cols) {
      throw Error(fmt::format("YuNet: stride {} outputs do not match a {}x{} padded input", stride, padded.width,
                              padded.height));
    }
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const int idx = r * cols + c;
        const float cls_score = std::clamp(cls.ptr<float>()[idx], 0.f, 1.f);
        const float obj_score = std::clamp(obj.ptr<float>()[idx], 0.f, 1.f);
        const float score = std::sqrt(cls_score * obj_score);
        if (score < score_threshold) continue;
        const float* b = row(bbox, idx, 4);
        const float cx = (static_cast<float>(c) + b[0]) * static_cast<float>(stride);
        const float cy = (static_cast<float>(r) + b[1]) * static_cast<float>(stride);
        const float w = std::exp(b[2]) * static_cast<float>(stride);
        const float h = std::exp(b[3]) * static_cast<float>(stride);
        Detection face;
        face.box = {cx - w / 2, cy - h / 2, w, h};
        face.score = score;
        const float* k = row(kps, idx, 10);
        for (int n = 0; n < 5; ++n) {
          face.points.emplace_back((k[2 * n] + static_cast<float>(c)) * static_cast<float>(stride),
                                   (k[2 * n + 1] + static_cast<float>(r)) * static_cast<float>(stride));
        }
        faces.push_back(std::move(face));
      }
    }
  }
  return faces;
}

std::vector<cv::Rect2f> generate_priors(cv::Size input, const std::vector<std::vector<float>>& min_sizes,
                                        const std::vector<int>& steps) {
  // Feature maps: (x+1)/2/2 for the 2nd, then halved for each further map; priors use the 3rd onwards.
  int fw = (input.width + 1) / 2 / 2;
  int fh = (input.height + 1) / 2 / 2;
  std::vector<cv::Rect2f> priors;
  for (std::size_t i = 0; i < min_sizes.size() && i < steps.size(); ++i) {
    fw /= 2;
    fh /= 2;
    for (int y = 0; y < fh; ++y) {
      for (int x = 0; x < fw; ++x) {
        for (float min_size : min_sizes[i]) {
          const float cx = (static_cast<float>(x) + 0.5f) * static_cast<float>(steps[i]) / static_cast<float>(input.width);
          const float cy = (static_cast<float>(y) + 0.5f) * static_cast<float>(steps[i]) / static_cast<float>(input.height);
          priors.emplace_back(cx, cy, min_size / static_cast<float>(input.width),
                              min_size / static_cast<float>(input.height));
        }
      }
    }
  }
  return priors;
}

std::vector<cv::Rect2f> default_priors(cv::Size input) { return generate_priors(input, kMinSizes, kSteps); }

std::vector<Detection> decode_priors(const cv::Mat& loc, const cv::Mat& conf, const cv::Mat& iou,
                                     const std::vector<cv::Rect2f>& priors, cv::Size input, float score_threshold) {
  const auto n = static_cast<int>(priors.size());
  if (static_cast<int>(loc.total()) != n * 14 || static_cast<int>(conf.total()) != n * 2 ||
      static_cast<int>(iou.total()) != n) {
    throw Error(fmt::format("YuNet: outputs loc/conf/iou do not match {} priors for a {}x{} input", n, input.width,
                            input.height));
  }
  const auto w = static_cast<float>(input.width);
  const auto h = static_cast<float>(input.height);
  std::vector<Detection> faces;
  for (int i = 0; i < n; ++i) {
    const float score = std::sqrt(row(conf, i, 2)[1] * std::clamp(iou.ptr<float>()[i], 0.f, 1.f));
    if (!(score >= score_threshold)) continue;
    const cv::Rect2f& p = priors[static_cast<std::size_t>(i)];
    const float* l = row(loc, i, 14);
    const float cx = (p.x + l[0] * kVariance0 * p.width) * w;
    const float cy = (p.y + l[1] * kVariance0 * p.height) * h;
    // Width scales with variance[0], height with variance[1]: the zoo's numpy broadcast
    // (priors[:, 2:4] * exp(loc[:, 2:4] * variance)) and OpenCV's FaceDetectorYN both decode it so.
    const float bw = p.width * std::exp(l[2] * kVariance0) * w;
    const float bh = p.height * std::exp(l[3] * kVariance1) * h;
    Detection face;
    face.box = {cx - bw / 2, cy - bh / 2, bw, bh};
    face.score = score;
    for (int k = 0; k < 5; ++k) {
      face.points.emplace_back((p.x + l[4 + 2 * k] * kVariance0 * p.width) * w,
                               (p.y + l[5 + 2 * k] * kVariance0 * p.height) * h);
    }
    faces.push_back(std::move(face));
  }
  return faces;
}

std::unique_ptr<Model> create(const ModelContext& ctx) {
  check_model_file(ctx.files.at(0));
  const OnnxInfo info = read_onnx_info(ctx.files.at(0));
  if (has_outputs(info, kStridedOutputs)) return std::make_unique<YuNet>(ctx, YuNet::Layout::Strided);
  if (has_outputs(info, kPriorOutputs)) return std::make_unique<YuNet>(ctx, YuNet::Layout::Priors);
  throw ModelError(ModelError::Kind::Unsupported,
                   fmt::format("{}: not a YuNet layout zoo-bench knows (outputs cls_8..kps_32 or loc/conf/iou)",
                               ctx.files.at(0).string()));
}

}  // namespace zoobench::yunet
