#include "zoobench/models/mediapipe_detector.hpp"

namespace zoobench::mediapipe {

std::vector<Detection> decode_detector(const DetectorSpec& spec, const std::vector<cv::Mat>& outputs,
                                       const std::vector<cv::Point2f>& anchors, cv::Size input, cv::Size image,
                                       cv::Point pad_bias, float score_threshold) {
  const std::size_t n = anchors.size();
  const auto keypoints = static_cast<std::size_t>(spec.keypoints);
  const auto matched = match_outputs(outputs, {n * (4 + 2 * keypoints), n}, spec.family);
  return decode_ssd(*matched[0], *matched[1], anchors,
                    {spec.family, input, image, pad_bias, spec.keypoints, score_threshold});
}

SsdDetector::SsdDetector(const ModelContext& ctx, DetectorSpec spec)
    : DnnModel(ctx),
      m_spec(std::move(spec)),
      m_score_threshold(static_cast<float>(ctx.params.number("scoreThreshold", 0.5))),
      m_nms_threshold(static_cast<float>(ctx.params.number("nmsThreshold", 0.3))),
      m_top_k(ctx.params.integer("topK", 5000)),
      m_input_size(declared_input_size({m_spec.input_side, m_spec.input_side})),
      m_layout(input_layout(m_info, m_spec.default_layout)),
      m_anchors(generate_anchors({m_input_size, m_spec.strides})) {}

void SsdDetector::postprocess() {
  // The zoo's Python hands NMSBoxes x1,y1,x2,y2 boxes as if they were x,y,w,h (its C++ demo does it
  // right); we pass real x,y,w,h. With the configs' topK 1 only the best box is kept either way.
  m_result.detections = nms(decode_detector(m_spec, m_outputs, m_anchors, m_input_size, m_image_size, m_pad_bias,
                                            m_score_threshold),
                            m_score_threshold, m_nms_threshold, m_top_k);
}

std::string SsdDetector::result_summary() const { return summarize_detections(m_result.detections, m_spec.noun); }

}  // namespace zoobench::mediapipe
