#pragma once
// MediaPipe pose estimation (the zoo's MPPose, pose_estimation_mediapipe_2023mar). Input: one person
// row from the label file ([x1, y1, x2, y2, 4 keypoints (x, y), score], as MPPersonDet gives).
// Preprocess: a square ROI centred on the hip centre with half-side |hip - full-body point|, cropped
// and zero-padded, rotated about the hip so the body points up, resized to 256 (INTER_AREA), RGB /255,
// NHWC [1,256,256,3]. Outputs: landmarks [1,195] (39 x [x, y, z, visibility, presence]), confidence
// [1,1], segmentation mask [1,256,256,1], heatmap [1,64,64,39], world landmarks [1,117].
// Post: confidence threshold, sigmoid on visibility/presence, landmarks rotated back, box = landmark
// bounds x1.25, and the mask rotated back, resized to the ROI, placed in the image and binarised
// (the heavy part of postprocess, timed as in the zoo). The heatmap is not used (nor by the zoo).
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/mediapipe_common.hpp"

namespace zoobench::mp_pose {

constexpr int kInputSide = 256;
constexpr int kLandmarks = 39;   // 33 keypoints + 6 auxiliary points
constexpr int kMaskSide = 256;
constexpr int kHeatmapSide = 64;
constexpr std::size_t kPersonRowValues = 12;  // box + 4 keypoints; a trailing score is ignored

// A person row whose ROI is the whole image: hip centre at the image centre, full-body point straight
// above it by half the longer side (upright). Used when a Recognition config has no label file.
cv::Mat whole_image_person_row(cv::Size image);

struct PoseCrop {
  cv::Mat image;                  // the rotated ROI (BGR) that is resized to the network input
  mediapipe::RoiMapping mapping;  // network input -> original image
  cv::Size roi;                   // ROI size before the resize
  cv::Point pad_bias;             // ROI's top-left corner in the original image (may be negative)
};

// The zoo's preprocessing geometry for one person row (1 x >= 12 values). Throws DataError when the
// row is too short or the ROI lies outside the image.
PoseCrop crop_person(const cv::Mat& image, const cv::Mat& person_row, cv::Size input);

// The 256x256 mask (float, > 0 = person) -> a CV_8U mask of `image` size (255 person, 0 background):
// rotated back by `angle` about its centre, resized to `roi`, placed at `pad_bias`, clipped.
cv::Mat mask_to_image(const cv::Mat& mask, double angle, cv::Size roi, cv::Point pad_bias, cv::Size image);

struct PoseEstimate {
  float confidence = 0;
  cv::Rect2f box;      // person box in image pixels
  cv::Mat landmarks;   // 39 x 5 CV_32F: x, y (image pixels), z (scaled alike), visibility, presence
  cv::Mat world;       // 39 x 3 CV_32F: metric x, y, z, rotated back
  cv::Mat mask;        // CV_8U, image size
  bool found() const { return !landmarks.empty(); }
};

// Raw outputs (matched by size: 195, 1, 256*256, 64*64*39, 117) -> the pose; nothing is decoded
// when confidence < threshold. Throws Error on bad shapes.
PoseEstimate decode(const std::vector<cv::Mat>& outputs, const PoseCrop& crop, cv::Size image, float conf_threshold);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::mp_pose
