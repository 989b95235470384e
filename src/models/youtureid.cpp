#include "zoobench/models/youtureid.hpp"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/classification.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::youtureid {

namespace {

const cv::Size kInputSize{128, 256};  // W x H

class YoutuReID final : public DnnModel {
 public:
  explicit YoutuReID(const ModelContext& ctx) : DnnModel(ctx), m_input_size(declared_input_size(kInputSize)) {}

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    m_blob = input_blob(image, m_input_size);
  }

  void postprocess() override {
    if (m_outputs.size() != 1) {
      throw Error(fmt::format("YoutuReID: expected one feature output, got {}", m_outputs.size()));
    }
    m_result.feature = feature_of(m_outputs[0]);
  }

  std::string result_summary() const override {
    if (m_result.feature.empty()) return "no feature";
    return fmt::format("{}-d feature, L2 norm {:.3f}", m_result.feature.cols, cv::norm(m_result.feature));
  }

 private:
  cv::Size m_input_size;
};

}  // namespace

cv::Mat input_blob(const cv::Mat& bgr, cv::Size input) {
  // The loader already resized to 128x256 in the zoo's config; imagenet_blob resizes only other sizes.
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return classification::imagenet_blob(rgb, input);
}

cv::Mat feature_of(const cv::Mat& output) {
  if (output.empty() || output.depth() != CV_32F || (output.dims >= 1 && output.size[0] != 1)) {
    throw Error("YoutuReID: output is not a single [1, D] float feature");
  }
  return output.reshape(1, 1).clone();
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<YoutuReID>(ctx); }

}  // namespace zoobench::youtureid
