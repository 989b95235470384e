#include "zoobench/models/sface.hpp"

#include <fmt/format.h>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/dnn_model.hpp"
#include "zoobench/models/face_align.hpp"

namespace zoobench::sface {

namespace {

class SFace final : public DnnModel {
 public:
  explicit SFace(const ModelContext& ctx) : DnnModel(ctx) {
    // The zoo's match metric (0 cosine, 1 norm-L2); the benchmark times infer only, so it is checked, not used.
    const int dis_type = ctx.params.integer("disType", 0);
    if (dis_type != 0 && dis_type != 1) {
      throw Error(fmt::format("SFace: Model.disType must be 0 (cosine) or 1 (norm-L2), got {}", dis_type));
    }
  }

  void preprocess(const cv::Mat& image, const cv::Mat& label_row) override {
    cv::Mat face;
    if (label_row.empty()) {
      // No label file: the whole image stands in for the aligned face, resized to 112x112 as
      // FaceRecognizerSF::feature would do with an unaligned image.
      cv::resize(image, face, {face_align::kAlignedSide, face_align::kAlignedSide});
    } else {
      face = align_crop(image, label_row);
    }
    m_blob = feature_blob(face);
  }

  void postprocess() override {
    if (m_outputs.size() != 1 || m_outputs[0].empty()) {
      throw Error(fmt::format("SFace: expected one feature output, got {}", m_outputs.size()));
    }
    m_result.feature = m_outputs[0].reshape(1, 1).clone();
  }

  std::string result_summary() const override {
    if (m_result.feature.empty()) return "no feature";
    return fmt::format("{}-d feature, L2 norm {:.3f}", m_result.feature.cols, cv::norm(m_result.feature));
  }
};

}  // namespace

cv::Mat alignment_transform(const cv::Mat& face_row) {
  return face_align::similarity_transform(face_align::landmarks_of(face_row), face_align::arcface_template());
}

cv::Mat align_crop(const cv::Mat& image, const cv::Mat& face_row) {
  return face_align::warp_to_crop(image, alignment_transform(face_row));
}

cv::Mat feature_blob(const cv::Mat& aligned) {
  return cv::dnn::blobFromImage(aligned, 1.0, {face_align::kAlignedSide, face_align::kAlignedSide}, cv::Scalar(),
                                /*swapRB=*/true, /*crop=*/false);
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<SFace>(ctx); }

}  // namespace zoobench::sface
