#pragma once
// MediaPipe hand pose (the zoo's MPHandPose, handpose_estimation_mediapipe_2023feb). Input: one palm
// row from the label file ([x1, y1, x2, y2, 7 keypoints (x, y), score], as MPPalmDet gives).
// Preprocess: crop the palm box x4 and pad it to its diagonal, rotate so the wrist -> middle-finger
// direction points up, crop the rotated keypoints' box shifted by [0, -0.4] and x3, pad to a square,
// resize to 224 (INTER_AREA), RGB /255, NHWC [1,224,224,3]. Outputs: landmarks [1,63], confidence
// [1,1], handedness [1,1], world landmarks [1,63]. Post: confidence threshold, landmarks rotated
// back into the image, hand box = landmark bounds shifted by [0, -0.1] and x1.65.
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/mediapipe_common.hpp"

namespace zoobench::mp_handpose {

constexpr int kInputSide = 224;
constexpr int kLandmarks = 21;
constexpr std::size_t kPalmRowValues = 18;  // box + 7 keypoints; a trailing score is ignored

// A palm row covering the whole image: an upright palm placed so that the final crop is the whole
// image, centred and padded to a square. Used when a Recognition config has no label file.
cv::Mat whole_image_palm_row(cv::Size image);

struct HandCrop {
  cv::Mat image;                  // the square BGR crop that is resized to the network input
  mediapipe::RoiMapping mapping;  // network input -> original image
};

// The zoo's preprocessing geometry for one palm row (1 x >= 18 values). Throws DataError when the
// row is too short or the palm box lies outside the image.
HandCrop crop_hand(const cv::Mat& image, const cv::Mat& palm_row, cv::Size input);

struct HandPose {
  float confidence = 0;
  float handedness = 0;                // 0 = left ... 1 = right
  cv::Rect2f box;                      // hand box in image pixels
  std::vector<cv::Point3f> landmarks;  // 21: x, y in image pixels, z (relative to the wrist) scaled alike
  std::vector<cv::Point3f> world;      // 21: metric x, y, z, rotated back like the landmarks
  bool found() const { return !landmarks.empty(); }
};

// Raw outputs in the net's order (matched by size: landmarks 63, confidence 1, handedness 1, world
// 63) -> the hand; landmarks stay empty when confidence < threshold. Throws Error on bad shapes.
HandPose decode(const std::vector<cv::Mat>& outputs, const mediapipe::RoiMapping& mapping, float conf_threshold);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::mp_handpose
