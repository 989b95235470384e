#pragma once
// What MediaPipe's SSD detectors (palm, person) share: SSD anchors, decoding of the regressor and
// score outputs, NMS, and the model plumbing. A family only adds its input normalisation.
#include <string>
#include <vector>

#include "zoobench/models/detection.hpp"
#include "zoobench/models/dnn_model.hpp"
#include "zoobench/models/mediapipe_common.hpp"

namespace zoobench::mediapipe {

struct DetectorSpec {
  const char* family;      // "MPPalmDet": names the family in errors
  const char* noun;        // "palms": for the result summary
  int input_side;          // the default square input, when the model does not declare one
  int keypoints;           // keypoints per detection after the 4 box values
  Layout default_layout;   // when the model's declared input does not tell
  std::vector<int> strides;  // SSD anchor strides
};

// Regressors [N, 4 + 2K] and scores [N, 1] (in either order) -> candidates with score >= threshold,
// in original-image pixels; `image` and `pad_bias` come from the letterbox. Throws Error on bad shapes.
std::vector<Detection> decode_detector(const DetectorSpec& spec, const std::vector<cv::Mat>& outputs,
                                       const std::vector<cv::Point2f>& anchors, cv::Size input, cv::Size image,
                                       cv::Point pad_bias, float score_threshold);

class SsdDetector : public DnnModel {
 public:
  SsdDetector(const ModelContext& ctx, DetectorSpec spec);

  void postprocess() override;
  std::string result_summary() const override;

 protected:
  const DetectorSpec m_spec;
  float m_score_threshold;
  float m_nms_threshold;
  int m_top_k;
  cv::Size m_input_size;
  Layout m_layout;
  std::vector<cv::Point2f> m_anchors;
  cv::Size m_image_size;  // set by the family's preprocess
  cv::Point m_pad_bias;   // set by the family's preprocess
};

}  // namespace zoobench::mediapipe
