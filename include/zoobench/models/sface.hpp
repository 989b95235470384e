#pragma once
// SFace face recognition (face_recognition_sface), the pipeline of cv::FaceRecognizerSF written out:
// alignCrop (5-point similarity warp of a YuNet face row to 112x112), then feature (blobFromImage with
// scale 1, no mean, swapRB) -> a 1x128 embedding in ModelResult.feature. The zoo times both.
#include <memory>

#include "zoobench/models/model.hpp"

namespace zoobench::sface {

// What cv::FaceRecognizerSF::alignCrop returns for this face row: the 112x112 crop whose landmarks
// sit on the ArcFace template (least squares in the template's frame, as OpenCV's Umeyama fit).
cv::Mat align_crop(const cv::Mat& image, const cv::Mat& face_row);

// The 2x3 image -> crop transform align_crop applies.
cv::Mat alignment_transform(const cv::Mat& face_row);

// A 112x112 BGR crop -> the NCHW float blob cv::FaceRecognizerSF::feature feeds the net (RGB, 0..255).
cv::Mat feature_blob(const cv::Mat& aligned);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::sface
