#include "zoobench/models/mp_handpose.hpp"

#include <fmt/format.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/detection.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::mp_handpose {

namespace {

const char* const kFamily = "MPHandPose";
constexpr int kPalmBase = 0;          // wrist keypoint of the palm row
constexpr int kMiddleFingerBase = 2;  // the hand is rotated so that wrist -> this points up
constexpr double kPreEnlarge = 4;     // first crop (before rotation), no shift
const cv::Point2d kPalmShift{0, -0.4};
constexpr double kPalmEnlarge = 3;
const cv::Point2d kHandShift{0, -0.1};
constexpr double kHandEnlarge = 1.65;

// The part of `box` (truncated to integers) inside an image of `size`; throws when nothing is left.
// The zoo clips x1,y1 to [0, rows] and x2,y2 to [0, cols] (its palm_bbox[:][0] indexing); we clip
// x to the width and y to the height, which differs only for boxes beyond the image's shorter side.
cv::Rect inside(const mediapipe::Corners& box, cv::Size size, const char* what) {
  const cv::Rect rect = mediapipe::truncate(box) & cv::Rect({0, 0}, size);
  if (rect.empty()) {
    throw DataError(fmt::format("{}: the {} ({:.1f}, {:.1f})-({:.1f}, {:.1f}) lies outside the {}x{} image", kFamily,
                                what, box.x1, box.y1, box.x2, box.y2, size.width, size.height));
  }
  return rect;
}

class HandPoseModel final : public DnnModel {
 public:
  // The zoo's MPHandPose.setBackendAndTarget (as read at ec2f8f17) stores the new ids in other fields
  // and re-applies the old ones, like MPPose; DnnModel applies the requested pair at load.
  explicit HandPoseModel(const ModelContext& ctx)
      : DnnModel(ctx),
        m_conf_threshold(static_cast<float>(ctx.params.number("confThreshold", 0.8))),
        m_input_size(declared_input_size({kInputSide, kInputSide})),
        m_layout(mediapipe::input_layout(m_info, mediapipe::Layout::NHWC)) {}

  void preprocess(const cv::Mat& image, const cv::Mat& label_row) override {
    mediapipe::require_bgr(image, kFamily);
    // No label file: the whole image is the ROI (a centred, upright box), so the net still runs on
    // a realistic crop rather than being skipped.
    const HandCrop crop = crop_hand(image, label_row.empty() ? whole_image_palm_row(image.size()) : label_row,
                                    m_input_size);
    m_mapping = crop.mapping;
    cv::resize(crop.image, m_resized, m_input_size, 0, 0, cv::INTER_AREA);
    // The zoo swaps to RGB before rotating; swapping after the resize gives the same values for less work.
    cv::cvtColor(m_resized, m_rgb, cv::COLOR_BGR2RGB);
    mediapipe::make_blob(m_rgb, m_layout, 1.0 / 255.0, 0.0, m_blob);
  }

  void postprocess() override {
    m_hand = decode(m_outputs, m_mapping, m_conf_threshold);
    m_result.detections.clear();
    if (!m_hand.found()) return;
    Detection d;
    d.box = m_hand.box;
    d.score = m_hand.confidence;
    d.class_id = m_hand.handedness >= 0.5f ? 1 : 0;  // 1 = right hand
    for (const auto& p : m_hand.landmarks) d.points.emplace_back(p.x, p.y);
    m_result.detections.push_back(std::move(d));
  }

  std::string result_summary() const override {
    if (!m_hand.found()) {
      return fmt::format("no hand (confidence {:.2f} < {:.2f})", m_hand.confidence, m_conf_threshold);
    }
    return fmt::format("1 hand ({}), confidence {:.2f}", m_hand.handedness >= 0.5f ? "right" : "left",
                       m_hand.confidence);
  }

 private:
  float m_conf_threshold;
  cv::Size m_input_size;
  mediapipe::Layout m_layout;
  mediapipe::RoiMapping m_mapping;
  HandPose m_hand;
  cv::Mat m_resized;
  cv::Mat m_rgb;
};

}  // namespace

cv::Mat whole_image_palm_row(cv::Size image) {
  const double side = std::max(image.width, image.height);
  const double q = side / 6;  // half the keypoints' box, which the final x3 crop turns into `side`
  // Keypoint box centre: below the image centre by the 0.4 shift the final crop applies upwards.
  const double cx = image.width / 2.0;
  const double cy = image.height / 2.0 - kPalmShift.y * 2 * q;
  const std::vector<cv::Point2d> keypoints = {{cx, cy + q}, {cx - q, cy}, {cx, cy - q}, {cx + q, cy},
                                              {cx, cy},     {cx, cy},     {cx, cy}};
  cv::Mat row(1, static_cast<int>(kPalmRowValues) + 1, CV_32F);
  auto* v = row.ptr<float>();
  v[0] = static_cast<float>(cx - q);  // the palm box = the keypoints' box; x4 covers the image
  v[1] = static_cast<float>(cy - q);
  v[2] = static_cast<float>(cx + q);
  v[3] = static_cast<float>(cy + q);
  for (std::size_t k = 0; k < keypoints.size(); ++k) {
    v[4 + 2 * k] = static_cast<float>(keypoints[k].x);
    v[5 + 2 * k] = static_cast<float>(keypoints[k].y);
  }
  v[kPalmRowValues] = 1.f;  // score
  return row;
}

HandCrop crop_hand(const cv::Mat& image, const cv::Mat& palm_row, cv::Size input) {
  const std::vector<double> v =
      mediapipe::row_values(palm_row, kPalmRowValues, kFamily, "a palm row: x1 y1 x2 y2 and 7 keypoints (x y)");
  // 1. Crop the palm box x4 and pad it to a square of its diagonal, so the rotation keeps the corners.
  const mediapipe::Corners palm{v[0], v[1], v[2], v[3]};
  const cv::Rect first = inside(mediapipe::shift_and_scale(palm, {0, 0}, kPreEnlarge), image.size(), "palm box");
  cv::Point left_top;
  const cv::Mat padded = mediapipe::pad_to_square(
      image(first), static_cast<int>(std::hypot(first.width, first.height)), left_top);
  const cv::Point2d pad_bias(first.x - left_top.x, first.y - left_top.y);

  // 2. Rotate about the (clipped) palm box centre so that wrist -> middle-finger base points up.
  std::vector<cv::Point2d> keypoints;
  for (int k = 0; k < 7; ++k) keypoints.emplace_back(v[4 + 2 * k] - pad_bias.x, v[5 + 2 * k] - pad_bias.y);
  const cv::Point2d centre(first.x + first.width / 2.0 - pad_bias.x, first.y + first.height / 2.0 - pad_bias.y);
  const double angle = mediapipe::upright_angle(keypoints[kPalmBase], keypoints[kMiddleFingerBase]);
  const cv::Matx23d rotation = cv::getRotationMatrix2D(cv::Point2f(centre), angle, 1.0);
  cv::Mat rotated;
  cv::warpAffine(padded, rotated, cv::Mat(rotation), padded.size());

  // 3. Crop the rotated keypoints' box, shifted towards the fingers and x3, padded to a square.
  for (auto& p : keypoints) p = mediapipe::apply(rotation, p);
  const mediapipe::Corners hand = mediapipe::shift_and_scale(mediapipe::bounds(keypoints), kPalmShift, kPalmEnlarge);
  const cv::Rect second = inside(hand, rotated.size(), "rotated hand box");
  HandCrop crop;
  crop.image = mediapipe::pad_to_square(rotated(second), std::max(second.width, second.height), left_top);
  crop.mapping.rotation = rotation;
  crop.mapping.angle = angle;
  crop.mapping.centre = {second.x + second.width / 2.0, second.y + second.height / 2.0};
  // One scale for both axes (the zoo's max(scale_factor)): the crop is padded to a square.
  const double scale = std::max(static_cast<double>(second.width) / input.width,
                                static_cast<double>(second.height) / input.height);
  crop.mapping.scale = {scale, scale};
  crop.mapping.pad_bias = pad_bias;
  crop.mapping.input = input;
  return crop;
}

HandPose decode(const std::vector<cv::Mat>& outputs, const mediapipe::RoiMapping& mapping, float conf_threshold) {
  constexpr std::size_t kValues = 3 * kLandmarks;
  const auto matched = mediapipe::match_outputs(outputs, {kValues, 1, 1, kValues}, kFamily);
  HandPose hand;
  hand.confidence = matched[1]->ptr<float>()[0];
  hand.handedness = matched[2]->ptr<float>()[0];
  if (hand.confidence < conf_threshold) return hand;

  const float* screen = matched[0]->ptr<float>();
  const float* world = matched[3]->ptr<float>();
  const double z_scale = mediapipe::depth_scale(mapping);
  std::vector<cv::Point2d> xy;
  for (int i = 0; i < kLandmarks; ++i) {
    const float* s = screen + 3 * i;
    const cv::Point2d p = mediapipe::to_image(mapping, {s[0], s[1]});
    xy.push_back(p);
    hand.landmarks.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(s[2] * z_scale));
    const float* w = world + 3 * i;
    const cv::Point2d r = mediapipe::unrotate(mapping, {w[0], w[1]});
    hand.world.emplace_back(static_cast<float>(r.x), static_cast<float>(r.y), w[2]);
  }
  const mediapipe::Corners box = mediapipe::shift_and_scale(mediapipe::bounds(xy), kHandShift, kHandEnlarge);
  hand.box = {static_cast<float>(box.x1), static_cast<float>(box.y1), static_cast<float>(box.width()),
              static_cast<float>(box.height())};
  return hand;
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<HandPoseModel>(ctx); }

}  // namespace zoobench::mp_handpose
