#pragma once
// PaddleOCR PP-OCRv4 as one pipeline (an EXTRA family, not in the zoo's benchmark): the DB detector
// (ch_PP-OCRv4_det_infer) finds text boxes, each box is perspective-cropped, the angle classifier
// (ch_ppocr_mobile_v2.0_cls_infer, 1x3x48x192) flips it when it reads "180" with score > clsThreshold,
// and the CTC recogniser (ch_PP-OCRv4_rec_infer, 1x3x48xW) reads it over ppocr_keys_v1.txt with class 0
// the blank and a trailing space class, as PaddleOCR does. ModelResult::detections holds the boxes
// (quads as in ppocr_det), ModelResult::texts the text of each box in the same order. raw_outputs() is
// the detector's probability map followed by each box's recogniser scores.
//
// The recogniser's ONNX declares a dynamic input width, which OpenCV 4.10 cannot import ("Inconsistent
// shape for ConcatLayer"); zoo-bench loads an in-memory copy whose input is fixed at 1x3x48xW
// (recInputWidth, default 320, PaddleOCR's default width; the edit is onnx::with_input_dims): crops are
// resized to height 48 keeping their aspect, squeezed when wider than W, and padded with zeros to W.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/crnn.hpp"

namespace zoobench::ppocrv4 {

// PaddleOCR's detector resize (DetResizeForTest, limit_type "max"): scale down so the longer side is at
// most `limit_side_len`, then round each side to a multiple of 32 (half to even, as Python's round).
cv::Size det_input_size(cv::Size image, int limit_side_len);

// PaddleOCR's get_rotate_crop_image for a quad in ppocr_det order (bottom-left, top-left, top-right,
// bottom-right): the warped box, turned 90 degrees counter-clockwise when it is 1.5 times taller than wide.
cv::Mat crop_text(const cv::Mat& image, const std::vector<cv::Point2f>& quad);

// PaddleOCR's resize_norm_img: height input.height keeping the aspect (at most input.width wide), BGR,
// (x / 255 - 0.5) / 0.5, zero padding on the right up to input.width. Returns a 1x3xHxW blob.
cv::Mat text_blob(const cv::Mat& crop, cv::Size input);

// Sorts boxes top to bottom, then left to right within a line (PaddleOCR's sorted_boxes: 10 px tolerance).
void sort_boxes(std::vector<Detection>& boxes);

// ppocr_keys_v1.txt: one character per line, line endings stripped; then the space class appended.
crnn::Charset read_keys(const std::filesystem::path& file);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::ppocrv4
