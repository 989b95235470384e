#include "zoobench/models/mp_persondet.hpp"

#include <opencv2/imgproc.hpp>

#include "zoobench/models/dnn_model.hpp"

namespace zoobench::mp_persondet {

namespace {

const char* const kFamily = "MPPersonDet";

class PersonDet final : public DnnModel {
 public:
  explicit PersonDet(const ModelContext& ctx)
      : DnnModel(ctx),
        m_score_threshold(static_cast<float>(ctx.params.number("scoreThreshold", 0.5))),
        m_nms_threshold(static_cast<float>(ctx.params.number("nmsThreshold", 0.3))),
        m_top_k(ctx.params.integer("topK", 5000)),
        m_input_size(declared_input_size({kInputSide, kInputSide})),
        m_layout(mediapipe::input_layout(m_info, mediapipe::Layout::NCHW)),
        m_anchors(mediapipe::generate_anchors(anchor_options(m_input_size))) {}

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    mediapipe::require_bgr(image, kFamily);
    m_image_size = image.size();
    // The zoo normalises first and letterboxes the float image, so the padding is 0 in [-1, 1].
    cv::cvtColor(image, m_rgb, cv::COLOR_BGR2RGB);
    m_rgb.convertTo(m_normalised, CV_32F, 2.0 / 255.0, -1.0);
    const mediapipe::Letterbox boxed = mediapipe::letterbox(m_normalised, m_input_size);
    m_pad_bias = boxed.pad_bias;
    mediapipe::make_blob(boxed.image, m_layout, 1.0, 0.0, m_blob);
  }

  void postprocess() override {
    // As in MPPalmDet: real x,y,w,h boxes to NMS (the zoo's Python passes corners; its C++ demo does
    // it right); identical with the config's topK 1.
    m_result.detections =
        nms(decode(m_outputs, m_anchors, m_input_size, m_image_size, m_pad_bias, m_score_threshold),
            m_score_threshold, m_nms_threshold, m_top_k);
  }

  std::string result_summary() const override { return summarize_detections(m_result.detections, "persons"); }

 private:
  float m_score_threshold;
  float m_nms_threshold;
  int m_top_k;
  cv::Size m_input_size;
  mediapipe::Layout m_layout;
  std::vector<cv::Point2f> m_anchors;
  cv::Size m_image_size;
  cv::Point m_pad_bias;
  cv::Mat m_rgb;
  cv::Mat m_normalised;
};

}  // namespace

mediapipe::SsdAnchorOptions anchor_options(cv::Size input) { return {input, {8, 16, 32, 32, 32}}; }

std::vector<Detection> decode(const std::vector<cv::Mat>& outputs, const std::vector<cv::Point2f>& anchors,
                              cv::Size input, cv::Size image, cv::Point pad_bias, float score_threshold) {
  const std::size_t n = anchors.size();
  const auto matched = mediapipe::match_outputs(outputs, {n * (4 + 2 * kKeypoints), n}, kFamily);
  return mediapipe::decode_ssd(*matched[0], *matched[1], anchors,
                               {kFamily, input, image, pad_bias, kKeypoints, score_threshold});
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<PersonDet>(ctx); }

}  // namespace zoobench::mp_persondet
