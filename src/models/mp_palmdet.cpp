#include "zoobench/models/mp_palmdet.hpp"

#include <opencv2/imgproc.hpp>

#include "zoobench/models/mediapipe_detector.hpp"

namespace zoobench::mp_palmdet {

namespace {

const mediapipe::DetectorSpec& spec() {
  static const mediapipe::DetectorSpec s{"MPPalmDet", "palms", kInputSide, kKeypoints, mediapipe::Layout::NHWC,
                                         {8, 16, 16, 16}};
  return s;
}

class PalmDet final : public mediapipe::SsdDetector {
 public:
  explicit PalmDet(const ModelContext& ctx) : SsdDetector(ctx, spec()) {}

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    mediapipe::require_bgr(image, m_spec.family);
    m_image_size = image.size();
    const mediapipe::Letterbox boxed = mediapipe::letterbox(image, m_input_size);
    m_pad_bias = boxed.pad_bias;
    cv::cvtColor(boxed.image, m_rgb, cv::COLOR_BGR2RGB);
    mediapipe::make_blob(m_rgb, m_layout, 1.0 / 255.0, 0.0, m_blob);
  }

 private:
  cv::Mat m_rgb;
};

}  // namespace

mediapipe::SsdAnchorOptions anchor_options(cv::Size input) { return {input, spec().strides}; }

std::vector<Detection> decode(const std::vector<cv::Mat>& outputs, const std::vector<cv::Point2f>& anchors,
                              cv::Size input, cv::Size image, cv::Point pad_bias, float score_threshold) {
  return mediapipe::decode_detector(spec(), outputs, anchors, input, image, pad_bias, score_threshold);
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<PalmDet>(ctx); }

}  // namespace zoobench::mp_palmdet
