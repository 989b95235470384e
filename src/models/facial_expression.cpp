#include "zoobench/models/facial_expression.hpp"

#include <fmt/format.h>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/dnn_model.hpp"
#include "zoobench/models/face_align.hpp"

namespace zoobench::fer {

namespace {

class FacialExpressionRecog final : public DnnModel {
 public:
  explicit FacialExpressionRecog(const ModelContext& ctx) : DnnModel(ctx) {}

  void preprocess(const cv::Mat& image, const cv::Mat& label_row) override {
    cv::Mat face;
    if (label_row.empty()) {
      // No label file: the whole image is the face (the zoo's FER data is already 112x112 crops);
      // resized when it is not 112x112, so the net always gets its declared input.
      face = image;
      if (face.cols != face_align::kAlignedSide || face.rows != face_align::kAlignedSide) {
        cv::resize(image, face, {face_align::kAlignedSide, face_align::kAlignedSide});
      }
    } else {
      face = align_crop(image, label_row);
    }
    m_blob = input_blob(face);
  }

  void postprocess() override {
    if (m_outputs.size() != 1) {
      throw Error(fmt::format("FacialExpressionRecog: expected one output (label), got {}", m_outputs.size()));
    }
    m_result.classes = {best_expression(m_outputs[0])};
  }

  std::string result_summary() const override {
    if (m_result.classes.empty()) return "no expression";
    const ClassScore& best = m_result.classes.front();
    return fmt::format("{} (class {}, score {:.2f})", expression_name(best.class_id), best.class_id, best.score);
  }
};

}  // namespace

const char* expression_name(int index) {
  static const char* const names[kExpressions] = {"angry", "disgust", "fearful", "happy",
                                                  "neutral", "sad", "surprised"};
  return index >= 0 && index < kExpressions ? names[index] : "?";
}

cv::Mat alignment_transform(const cv::Mat& face_row) {
  // The zoo's FER (FaceAlignment, non-reflective) fits template -> image by least squares and inverts it;
  // we follow it, while SFace fits image -> template as OpenCV does. Exact landmarks give the same warp.
  const cv::Mat to_image =
      face_align::similarity_transform(face_align::arcface_template(), face_align::landmarks_of(face_row));
  cv::Mat to_crop;
  cv::invertAffineTransform(to_image, to_crop);
  return to_crop;
}

cv::Mat align_crop(const cv::Mat& image, const cv::Mat& face_row) {
  return face_align::warp_to_crop(image, alignment_transform(face_row));
}

cv::Mat input_blob(const cv::Mat& face_bgr) {
  cv::Mat rgb;
  cv::cvtColor(face_bgr, rgb, cv::COLOR_BGR2RGB);
  cv::Mat normalised;
  rgb.convertTo(normalised, CV_32F, 1.0 / 255.0);
  normalised = (normalised - cv::Scalar::all(0.5)) / 0.5;
  return cv::dnn::blobFromImage(normalised);
}

ClassScore best_expression(const cv::Mat& scores) {
  if (scores.total() != static_cast<std::size_t>(kExpressions) || scores.depth() != CV_32F) {
    throw Error(fmt::format("FacialExpressionRecog: output 'label' has {} values; expected {} expression scores",
                            scores.total(), kExpressions));
  }
  const float* s = scores.ptr<float>();
  int best = 0;
  for (int i = 1; i < kExpressions; ++i) {
    if (s[i] > s[best]) best = i;  // first maximum wins, as numpy's argmax
  }
  return {best, s[best]};
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<FacialExpressionRecog>(ctx); }

}  // namespace zoobench::fer
