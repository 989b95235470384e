#include "zoobench/models/mp_persondet.hpp"

#include <opencv2/imgproc.hpp>

#include "zoobench/models/mediapipe_detector.hpp"

namespace zoobench::mp_persondet {

namespace {

const mediapipe::DetectorSpec& spec() {
  static const mediapipe::DetectorSpec s{"MPPersonDet", "persons", kInputSide, kKeypoints, mediapipe::Layout::NCHW,
                                         {8, 16, 32, 32, 32}};
  return s;
}

class PersonDet final : public mediapipe::SsdDetector {
 public:
  explicit PersonDet(const ModelContext& ctx) : SsdDetector(ctx, spec()) {}

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    mediapipe::require_bgr(image, m_spec.family);
    m_image_size = image.size();
    // The zoo normalises first and letterboxes the float image, so the padding is 0 in [-1, 1].
    cv::cvtColor(image, m_rgb, cv::COLOR_BGR2RGB);
    m_rgb.convertTo(m_normalised, CV_32F, 2.0 / 255.0, -1.0);
    const mediapipe::Letterbox boxed = mediapipe::letterbox(m_normalised, m_input_size);
    m_pad_bias = boxed.pad_bias;
    mediapipe::make_blob(boxed.image, m_layout, 1.0, 0.0, m_blob);
  }

 private:
  cv::Mat m_rgb;
  cv::Mat m_normalised;
};

}  // namespace

mediapipe::SsdAnchorOptions anchor_options(cv::Size input) { return {input, spec().strides}; }

std::vector<Detection> decode(const std::vector<cv::Mat>& outputs, const std::vector<cv::Point2f>& anchors,
                              cv::Size input, cv::Size image, cv::Point pad_bias, float score_threshold) {
  return mediapipe::decode_detector(spec(), outputs, anchors, input, image, pad_bias, score_threshold);
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<PersonDet>(ctx); }

}  // namespace zoobench::mp_persondet
