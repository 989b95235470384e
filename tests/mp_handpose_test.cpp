#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/mp_handpose.hpp"

namespace zoobench {
namespace {

cv::Mat palm_row(const std::vector<float>& values) { return cv::Mat(values, true).reshape(1, 1); }

// A palm pointing right in a 200x200 image: wrist (60, 100), middle-finger base (100, 100), the
// other keypoints spanning y 80..120, palm box (60, 80)-(100, 120).
cv::Mat right_pointing_palm() {
  return palm_row({60, 80, 100, 120,                                  // box
                   60, 100, 80, 80, 100, 100, 80, 120, 80, 100, 80, 100, 80, 100,  // 7 keypoints
                   0.9f});                                            // score
}

TEST(MPHandPose, WholeImageRowCropsTheWholeImageUpright) {
  const cv::Mat image(224, 224, CV_8UC3, cv::Scalar(1, 2, 3));
  const auto crop = mp_handpose::crop_hand(image, mp_handpose::whole_image_palm_row(image.size()), {224, 224});
  EXPECT_NEAR(crop.mapping.angle, 0, 1e-9);
  EXPECT_NEAR(crop.image.cols, 224, 1);
  EXPECT_EQ(crop.image.rows, crop.image.cols);
  EXPECT_NEAR(crop.mapping.scale.x, 1, 0.01);
  const cv::Point2d centre = mediapipe::to_image(crop.mapping, {112, 112});
  EXPECT_NEAR(centre.x, 112, 1);
  EXPECT_NEAR(centre.y, 112, 1);
  // A wide image: the crop is the longer side, the image centred in it.
  const cv::Mat wide(100, 300, CV_8UC3, cv::Scalar(1, 2, 3));
  const auto wide_crop = mp_handpose::crop_hand(wide, mp_handpose::whole_image_palm_row(wide.size()), {224, 224});
  EXPECT_NEAR(wide_crop.image.cols, 300, 1);
  EXPECT_NEAR(wide_crop.image.rows, 300, 1);
  EXPECT_EQ(wide_crop.image.at<cv::Vec3b>(150, 150), cv::Vec3b(1, 2, 3));
  EXPECT_EQ(wide_crop.image.at<cv::Vec3b>(10, 150), cv::Vec3b(0, 0, 0));  // padding above the image
}

// Rotation 90 deg (fingers to the right). The keypoints' box (60..100, 80..120) is shifted 0.4 x 40
// = 16 px towards the fingers (+x in the image) and enlarged x3: a 120 px square centred at (96, 100).
TEST(MPHandPose, CropRotatesThePalmUpright) {
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(50, 50, 50));
  const auto crop = mp_handpose::crop_hand(image, right_pointing_palm(), {224, 224});
  EXPECT_NEAR(crop.mapping.angle, 90, 1e-9);
  EXPECT_NEAR(crop.image.cols, 120, 1);
  EXPECT_NEAR(crop.mapping.scale.x, 120.0 / 224, 0.01);
  const cv::Point2d centre = mediapipe::to_image(crop.mapping, {112, 112});
  EXPECT_NEAR(centre.x, 96, 1);
  EXPECT_NEAR(centre.y, 100, 1);
  // The top of the network input is towards the fingers: 60 px right of the centre in the image.
  const cv::Point2d top = mediapipe::to_image(crop.mapping, {112, 0});
  EXPECT_NEAR(top.x, 156, 1);
  EXPECT_NEAR(top.y, 100, 1);
}

TEST(MPHandPose, BadPalmRowsAreDataErrors) {
  const cv::Mat image(200, 200, CV_8UC3);
  EXPECT_THROW(mp_handpose::crop_hand(image, palm_row({1, 2, 3, 4}), {224, 224}), DataError);
  cv::Mat outside = right_pointing_palm();
  for (int i = 0; i < 18; ++i) outside.at<float>(0, i) += 5000;
  EXPECT_THROW(mp_handpose::crop_hand(image, outside, {224, 224}), DataError);
}

// Hand-computed mapping: input 100x100 shows a crop centred at (50, 50) of an image rotated 90 deg
// about (50, 50), 2 px per input pixel, the crop at (10, 20) of the original.
//   input (60, 50) -> (60, 90); input (50, 40) -> (80, 70); input (50, 50) -> (60, 70).
TEST(MPHandPose, DecodesLandmarksBoxAndWorldPoints) {
  mediapipe::RoiMapping m;
  m.rotation = cv::getRotationMatrix2D(cv::Point2f(50, 50), 90, 1.0);
  m.angle = 90;
  m.centre = {50, 50};
  m.scale = {2, 2};
  m.pad_bias = {10, 20};
  m.input = {100, 100};
  cv::Mat landmarks(1, 63, CV_32F), world(1, 63, CV_32F, cv::Scalar(0));
  for (int i = 0; i < 21; ++i) {
    landmarks.at<float>(0, 3 * i) = 50;
    landmarks.at<float>(0, 3 * i + 1) = 50;
    landmarks.at<float>(0, 3 * i + 2) = 1;
  }
  landmarks.at<float>(0, 0) = 60;  // landmark 0 at input (60, 50)
  landmarks.at<float>(0, 4) = 40;  // landmark 1 at input (50, 40)
  world.at<float>(0, 0) = 1;       // world (1, 0, 5) -> rotated back (0, 1, 5)
  world.at<float>(0, 2) = 5;
  std::vector<cv::Mat> outputs = {landmarks, (cv::Mat_<float>(1, 1) << 0.95f), (cv::Mat_<float>(1, 1) << 0.7f), world};

  const auto hand = mp_handpose::decode(outputs, m, 0.9f);
  ASSERT_TRUE(hand.found());
  EXPECT_FLOAT_EQ(hand.confidence, 0.95f);
  EXPECT_FLOAT_EQ(hand.handedness, 0.7f);
  ASSERT_EQ(hand.landmarks.size(), 21u);
  EXPECT_NEAR(hand.landmarks[0].x, 60, 1e-4);
  EXPECT_NEAR(hand.landmarks[0].y, 90, 1e-4);
  EXPECT_NEAR(hand.landmarks[1].x, 80, 1e-4);
  EXPECT_NEAR(hand.landmarks[1].y, 70, 1e-4);
  EXPECT_NEAR(hand.landmarks[5].x, 60, 1e-4);
  EXPECT_NEAR(hand.landmarks[5].y, 70, 1e-4);
  EXPECT_NEAR(hand.landmarks[5].z, 2, 1e-5);  // z x 2 px per input pixel
  EXPECT_NEAR(hand.world[0].x, 0, 1e-5);
  EXPECT_NEAR(hand.world[0].y, 1, 1e-5);
  EXPECT_NEAR(hand.world[0].z, 5, 1e-5);
  // Landmark bounds (60..80, 70..90), shifted by -0.1 x 20 in y, x1.65: centre (70, 78), side 33.
  EXPECT_NEAR(hand.box.x, 53.5, 1e-3);
  EXPECT_NEAR(hand.box.y, 61.5, 1e-3);
  EXPECT_NEAR(hand.box.width, 33, 1e-3);
  EXPECT_NEAR(hand.box.height, 33, 1e-3);

  outputs[1].at<float>(0, 0) = 0.5f;
  const auto unsure = mp_handpose::decode(outputs, m, 0.9f);
  EXPECT_FALSE(unsure.found());
  EXPECT_FLOAT_EQ(unsure.confidence, 0.5f);
  EXPECT_THROW(mp_handpose::decode({landmarks, world}, m, 0.9f), Error);
}

// Stand-in with the zoo model's input [1,224,224,3] and four outputs [1,63], [1,1], [1,1], [1,63],
// run on a palm row and, without labels, on the whole image.
TEST(MPHandPose, StandInModelRunsEndToEnd) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "handpose_estimation_mediapipe_2023feb.onnx", {{"input_1", {1, 224, 224, 3}}},
                                     {{"Identity", {1, 63}}, {"Identity_1", {1, 1}}, {"Identity_2", {1, 1}},
                                      {"Identity_3", {1, 63}}});
  auto built = test::build_model("MPHandPose", {model}, "{confThreshold: -1000}");  // decode whatever comes out
  EXPECT_TRUE(built.params->unused_keys().empty());
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(30, 90, 150));
  for (const cv::Mat& row : {right_pointing_palm(), cv::Mat()}) {
    test::run_once(*built.model, image, row);
    const auto& found = built->result().detections;
    ASSERT_EQ(found.size(), 1u) << built->result_summary();
    ASSERT_EQ(found[0].points.size(), 21u);
    EXPECT_TRUE(std::isfinite(found[0].box.x) && std::isfinite(found[0].box.width));
  }
}

namespace fs = std::filesystem;

// The real hand pose files (fp32, int8) on the palm the real palm detector finds in messi5.jpg at
// 192x192 (Messi's raised left hand, about 9 pixels wide: the shared media has no close-up hand).
// Proves the real files load and run through the palm row -> rotated crop -> NHWC input -> decode ->
// back-mapping path: 21 finite landmarks centred within 4 palm widths of that palm, confidence in
// [0, 1]. It cannot prove landmark accuracy or the confidence on a real hand at the zoo's
// resolution. OpenCV 4.6 cannot import these files: there the test skips (reported unsupported).
TEST(MPHandPose, RealModelsGiveLandmarksAroundMessisPalm) {
  const fs::path palm_model = test::shared_models() / "palm_detection_mediapipe" / "palm_detection_mediapipe_2023feb.onnx";
  const cv::Mat original = cv::imread((test::shared_data() / "images" / "messi5.jpg").string());
  if (!fs::exists(palm_model) || original.empty()) GTEST_SKIP() << "no " << palm_model << " or messi5.jpg";
  cv::Mat image;
  cv::resize(original, image, {192, 192});
  auto palm_det = test::build_model("MPPalmDet", {palm_model}, "{scoreThreshold: 0.5, nmsThreshold: 0.3, topK: 1}");
  test::run_once(*palm_det.model, image);
  ASSERT_EQ(palm_det->result().detections.size(), 1u) << palm_det->result_summary();
  const Detection palm = palm_det->result().detections[0];
  std::vector<float> row = {palm.box.x, palm.box.y, palm.box.x + palm.box.width, palm.box.y + palm.box.height};
  for (const auto& p : palm.points) {
    row.push_back(p.x);
    row.push_back(p.y);
  }
  row.push_back(palm.score);
  const cv::Point2f palm_centre(palm.box.x + palm.box.width / 2, palm.box.y + palm.box.height / 2);

  int ran = 0;
  for (const char* suffix : {"", "_int8"}) {
    SCOPED_TRACE(suffix);
    const fs::path file = test::shared_models() / "handpose_estimation_mediapipe" /
                          (std::string("handpose_estimation_mediapipe_2023feb") + suffix + ".onnx");
    if (!fs::exists(file)) continue;
    std::string reason;
    if (test::unsupported_here(
            [&] {
              auto hand = test::build_model("MPHandPose", {file}, "{confThreshold: -1000}");  // decode whatever comes
              test::run_once(*hand.model, image, palm_row(row));
              const auto& found = hand->result().detections;
              ASSERT_EQ(found.size(), 1u) << hand->result_summary();
              EXPECT_GE(found[0].score, 0.f);
              EXPECT_LE(found[0].score, 1.f);
              ASSERT_EQ(found[0].points.size(), static_cast<std::size_t>(mp_handpose::kLandmarks));
              cv::Point2f mean(0, 0);
              for (const auto& p : found[0].points) {
                ASSERT_TRUE(std::isfinite(p.x) && std::isfinite(p.y)) << hand->result_summary();
                mean += p / static_cast<float>(mp_handpose::kLandmarks);
              }
              EXPECT_LT(cv::norm(mean - palm_centre), 4 * palm.box.width) << hand->result_summary();
            },
            &reason)) {
      EXPECT_NE(reason.find("cannot import"), std::string::npos) << reason;
      continue;
    }
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "this OpenCV imports none of the hand pose files (reported unsupported)";
}

}  // namespace
}  // namespace zoobench
