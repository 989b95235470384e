#include "zoobench/models/mp_pose.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/detection.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::mp_pose {

namespace {

const char* const kFamily = "MPPose";
constexpr double kBoxEnlarge = 1.25;

float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

class PoseModel final : public DnnModel {
 public:
  // The zoo's MPPose.setBackendAndTarget stores the new ids in _backendId/_targetId but re-applies the
  // constructor's (0, 0), so its published "CUDA" rows ran on the CPU. DnnModel applies the requested
  // backend/target at load, so MPPose really runs where it is asked to.
  explicit PoseModel(const ModelContext& ctx)
      : DnnModel(ctx),
        m_conf_threshold(static_cast<float>(ctx.params.number("confThreshold", 0.5))),
        m_input_size(declared_input_size({kInputSide, kInputSide})),
        m_layout(mediapipe::input_layout(m_info, mediapipe::Layout::NHWC)) {}

  void preprocess(const cv::Mat& image, const cv::Mat& label_row) override {
    mediapipe::require_bgr(image, kFamily);
    m_image_size = image.size();
    // No label file: the whole image is the ROI (a centred, upright box). The row is only read: the
    // zoo subtracts the ROI offset from a view into the label row, so its repeats drift.
    m_crop = crop_person(image, label_row.empty() ? whole_image_person_row(image.size()) : label_row,
                         m_input_size);
    cv::resize(m_crop.image, m_resized, m_input_size, 0, 0, cv::INTER_AREA);
    cv::cvtColor(m_resized, m_rgb, cv::COLOR_BGR2RGB);
    mediapipe::make_blob(m_rgb, m_layout, 1.0 / 255.0, 0.0, m_blob);
  }

  void postprocess() override {
    m_pose = decode(m_outputs, m_crop, m_image_size, m_conf_threshold);
    m_result.detections.clear();
    m_result.mask = m_pose.mask;
    if (!m_pose.found()) return;
    Detection d;
    d.box = m_pose.box;
    d.score = m_pose.confidence;
    for (int i = 0; i < kLandmarks; ++i) d.points.emplace_back(m_pose.landmarks.at<float>(i, 0), m_pose.landmarks.at<float>(i, 1));
    m_result.detections.push_back(std::move(d));
  }

  std::string result_summary() const override {
    if (!m_pose.found()) {
      return fmt::format("no pose (confidence {:.2f} < {:.2f})", m_pose.confidence, m_conf_threshold);
    }
    return fmt::format("1 pose, confidence {:.2f}, mask {} px", m_pose.confidence, cv::countNonZero(m_pose.mask));
  }

 private:
  float m_conf_threshold;
  cv::Size m_input_size;
  mediapipe::Layout m_layout;
  cv::Size m_image_size;
  PoseCrop m_crop;
  PoseEstimate m_pose;
  cv::Mat m_resized;
  cv::Mat m_rgb;
};

}  // namespace

cv::Mat whole_image_person_row(cv::Size image) {
  const float cx = static_cast<float>(image.width) / 2;
  const float cy = static_cast<float>(image.height) / 2;
  const float half = static_cast<float>(std::max(image.width, image.height)) / 2;
  // box, hip centre, full-body point (straight up), shoulder centre, upper-body point, score
  const float values[] = {0, 0, static_cast<float>(image.width), static_cast<float>(image.height),
                          cx, cy, cx, cy - half, cx, cy - half / 2, cx, cy - half, 1};
  return cv::Mat(1, static_cast<int>(std::size(values)), CV_32F, const_cast<float*>(values)).clone();
}

PoseCrop crop_person(const cv::Mat& image, const cv::Mat& person_row, cv::Size input) {
  const std::vector<double> v = mediapipe::row_values(
      person_row, kPersonRowValues, kFamily, "a person row: x1 y1 x2 y2 and 4 keypoints (x y)");
  cv::Point2d hip(v[4], v[5]);
  cv::Point2d full_body(v[6], v[7]);
  // A square around the hip centre with half-side |hip - full-body point| (the zoo's pre-enlarge
  // factor is 1, which leaves this integer box unchanged).
  const double dist = std::hypot(hip.x - full_body.x, hip.y - full_body.y);
  const cv::Rect roi = mediapipe::truncate({hip.x - dist, hip.y - dist, hip.x + dist, hip.y + dist});
  const cv::Rect inside = roi & cv::Rect({0, 0}, image.size());
  if (roi.empty() || inside.empty()) {
    throw DataError(fmt::format("{}: the person ROI around the hip ({:.1f}, {:.1f}) with half-side {:.1f} is empty "
                                "or outside the {}x{} image",
                                kFamily, hip.x, hip.y, dist, image.cols, image.rows));
  }
  PoseCrop crop;
  cv::Mat padded;
  cv::copyMakeBorder(image(inside), padded, inside.y - roi.y, roi.br().y - inside.br().y, inside.x - roi.x,
                     roi.br().x - inside.br().x, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  crop.pad_bias = roi.tl();
  crop.roi = padded.size();
  hip -= cv::Point2d(crop.pad_bias);
  full_body -= cv::Point2d(crop.pad_bias);

  // Rotate about the hip centre so that the hip -> full-body direction points up.
  const double angle = mediapipe::upright_angle(hip, full_body);
  const cv::Matx23d rotation = cv::getRotationMatrix2D(cv::Point2f(hip), angle, 1.0);
  cv::warpAffine(padded, crop.image, cv::Mat(rotation), padded.size());

  crop.mapping.rotation = rotation;
  crop.mapping.angle = angle;
  crop.mapping.centre = {padded.cols / 2.0, padded.rows / 2.0};
  crop.mapping.scale = {static_cast<double>(padded.cols) / input.width, static_cast<double>(padded.rows) / input.height};
  crop.mapping.pad_bias = crop.pad_bias;
  crop.mapping.input = input;
  return crop;
}

cv::Mat mask_to_image(const cv::Mat& mask, double angle, cv::Size roi, cv::Point pad_bias, cv::Size image) {
  if (mask.total() != static_cast<std::size_t>(kMaskSide) * kMaskSide || mask.type() != CV_32F ||
      !mask.isContinuous()) {
    throw Error(fmt::format("{}: the mask output has {} values; expected {}x{} floats", kFamily, mask.total(),
                            kMaskSide, kMaskSide));
  }
  const cv::Mat square(kMaskSide, kMaskSide, CV_32F, const_cast<float*>(mask.ptr<float>()));
  const cv::Point2f centre(kMaskSide / 2.f, kMaskSide / 2.f);
  cv::Mat upright;
  cv::warpAffine(square, upright, cv::getRotationMatrix2D(centre, -angle, 1.0), square.size());
  cv::Mat enlarged;
  cv::resize(upright, enlarged, roi);
  cv::Mat out = cv::Mat::zeros(image, CV_8U);
  const cv::Rect placed = cv::Rect(pad_bias, roi) & cv::Rect({0, 0}, image);
  if (!placed.empty()) {
    cv::Mat target = out(placed);
    cv::compare(enlarged(placed - pad_bias), 0.0, target, cv::CMP_GT);  // 255 where > 0, written in place
  }
  return out;
}

PoseEstimate decode(const std::vector<cv::Mat>& outputs, const PoseCrop& crop, cv::Size image, float conf_threshold) {
  const std::size_t heatmap = static_cast<std::size_t>(kHeatmapSide) * kHeatmapSide * kLandmarks;
  const auto matched = mediapipe::match_outputs(
      outputs, {5 * kLandmarks, 1, static_cast<std::size_t>(kMaskSide) * kMaskSide, heatmap, 3 * kLandmarks},
      kFamily);
  PoseEstimate pose;
  pose.confidence = matched[1]->ptr<float>()[0];
  if (pose.confidence < conf_threshold) return pose;

  const mediapipe::RoiMapping& mapping = crop.mapping;
  pose.landmarks = cv::Mat(kLandmarks, 5, CV_32F, const_cast<float*>(matched[0]->ptr<float>())).clone();
  pose.world = cv::Mat(kLandmarks, 3, CV_32F, const_cast<float*>(matched[4]->ptr<float>())).clone();
  const double z_scale = mediapipe::depth_scale(mapping);
  std::vector<cv::Point2d> xy;
  for (int i = 0; i < kLandmarks; ++i) {
    float* l = pose.landmarks.ptr<float>(i);
    const cv::Point2d p = mediapipe::to_image(mapping, {l[0], l[1]});
    xy.push_back(p);
    l[0] = static_cast<float>(p.x);
    l[1] = static_cast<float>(p.y);
    l[2] = static_cast<float>(l[2] * z_scale);
    l[3] = sigmoid(l[3]);  // visibility
    l[4] = sigmoid(l[4]);  // presence
    float* w = pose.world.ptr<float>(i);
    const cv::Point2d r = mediapipe::unrotate(mapping, {w[0], w[1]});
    w[0] = static_cast<float>(r.x);
    w[1] = static_cast<float>(r.y);
  }
  const mediapipe::Corners box = mediapipe::shift_and_scale(mediapipe::bounds(xy), {0, 0}, kBoxEnlarge);
  pose.box = {static_cast<float>(box.x1), static_cast<float>(box.y1), static_cast<float>(box.width()),
              static_cast<float>(box.height())};
  pose.mask = mask_to_image(*matched[2], mapping.angle, crop.roi, crop.pad_bias, image);
  return pose;
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<PoseModel>(ctx); }

}  // namespace zoobench::mp_pose
