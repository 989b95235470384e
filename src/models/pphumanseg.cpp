#include "zoobench/models/pphumanseg.hpp"

#include <fmt/format.h>

#include <vector>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::pphumanseg {

namespace {

constexpr int kInputSide = 192;

class PPHumanSeg final : public DnnModel {
 public:
  explicit PPHumanSeg(const ModelContext& ctx)
      : DnnModel(ctx), m_input_size(declared_input_size({kInputSide, kInputSide})) {}

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    m_original_size = image.size();
    m_blob = input_blob(image, m_input_size);
  }

  void postprocess() override {
    if (m_outputs.size() != 1) {
      throw Error(fmt::format("PPHumanSeg: expected one output (the [1,2,H,W] logits), got {}", m_outputs.size()));
    }
    m_result.mask = decode_mask(m_outputs[0], m_original_size);
  }

  std::string result_summary() const override {
    if (m_result.mask.empty()) return "no mask";
    const double person = static_cast<double>(cv::countNonZero(m_result.mask)) / static_cast<double>(m_result.mask.total());
    return fmt::format("{}x{} mask, person {:.1f}% of pixels", m_result.mask.cols, m_result.mask.rows, 100.0 * person);
  }

 private:
  cv::Size m_input_size;
  cv::Size m_original_size;
};

}  // namespace

cv::Mat input_blob(const cv::Mat& bgr, cv::Size input) {
  // The zoo's current wrapper converts BGR -> RGB itself (the Base loader ignores the config's toRGB).
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  cv::Mat resized;
  cv::resize(rgb, resized, input);
  cv::Mat normalised;
  resized.convertTo(normalised, CV_32F, 1.0 / 255.0);
  normalised = (normalised - cv::Scalar::all(0.5)) / 0.5;
  return cv::dnn::blobFromImage(normalised);
}

cv::Mat decode_mask(const cv::Mat& logits, cv::Size original) {
  if (logits.dims != 4 || logits.size[0] != 1 || logits.size[1] < 1 || logits.type() != CV_32F) {
    throw Error("PPHumanSeg: output is not a [1,C,H,W] float tensor of class logits");
  }
  if (original.width <= 0 || original.height <= 0) throw Error("PPHumanSeg: no image size to resize the mask to");
  const int classes = logits.size[1];
  const int rows = logits.size[2];
  const int cols = logits.size[3];
  // Resize every class plane to the original size first, then take the argmax, as the zoo does.
  std::vector<cv::Mat> planes;
  for (int c = 0; c < classes; ++c) {
    const cv::Mat plane(rows, cols, CV_32F, const_cast<float*>(logits.ptr<float>(0, c)));
    cv::Mat resized;
    cv::resize(plane, resized, original, 0, 0, cv::INTER_LINEAR);
    planes.push_back(resized);
  }
  cv::Mat mask = cv::Mat::zeros(original, CV_8U);
  cv::Mat best = planes[0].clone();
  for (int c = 1; c < classes; ++c) {
    const cv::Mat better = planes[static_cast<std::size_t>(c)] > best;  // strict: the first maximum wins
    mask.setTo(c, better);
    planes[static_cast<std::size_t>(c)].copyTo(best, better);
  }
  return mask;
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<PPHumanSeg>(ctx); }

}  // namespace zoobench::pphumanseg
