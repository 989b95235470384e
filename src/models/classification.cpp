#include "zoobench/models/classification.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/models/dnn_model.hpp"

namespace zoobench::classification {

namespace {

constexpr int kInputSide = 224;
// The answer keeps at least the top 5 (the configs' topK is 1) so that agreement can compare top-5 sets.
constexpr int kMinKept = 5;

class Classifier final : public DnnModel {
 public:
  explicit Classifier(const ModelContext& ctx)
      : DnnModel(ctx), m_top_k(std::max(kMinKept, ctx.params.integer("topK", 1))),
        m_input_size(declared_input_size({kInputSide, kInputSide})) {
    ctx.params.flag("loadLabel", true);  // the zoo's label switch; zoo-bench reports class indices
  }

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    m_blob = imagenet_blob(image, m_input_size);
  }

  void postprocess() override { m_result.classes = top_k(m_outputs.at(0), m_top_k); }

  std::string result_summary() const override {
    if (m_result.classes.empty()) return "no class";
    return fmt::format("class {} (score {:.2f})", m_result.classes.front().class_id, m_result.classes.front().score);
  }

 private:
  int m_top_k;
  cv::Size m_input_size;
};

}  // namespace

std::vector<ClassScore> top_k(const cv::Mat& scores, int k) {
  const cv::Mat flat = scores.reshape(1, 1);
  const auto n = static_cast<int>(flat.total());
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const float* s = flat.ptr<float>();
  const int keep = std::clamp(k, 0, n);
  std::partial_sort(order.begin(), order.begin() + keep, order.end(),
                    [s](int a, int b) { return s[a] > s[b] || (s[a] == s[b] && a < b); });
  std::vector<ClassScore> best;
  for (int i = 0; i < keep; ++i) best.push_back({order[static_cast<std::size_t>(i)], s[order[static_cast<std::size_t>(i)]]});
  return best;
}

cv::Mat imagenet_blob(const cv::Mat& rgb, cv::Size input) {
  cv::Mat resized = rgb;
  if (rgb.size() != input) cv::resize(rgb, resized, input);
  cv::Mat normalised;
  resized.convertTo(normalised, CV_32FC3, 1.0 / 255.0);
  cv::subtract(normalised, cv::Scalar(0.485, 0.456, 0.406), normalised);
  cv::divide(normalised, cv::Scalar(0.229, 0.224, 0.225), normalised);
  return cv::dnn::blobFromImage(normalised);
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<Classifier>(ctx); }

}  // namespace zoobench::classification
