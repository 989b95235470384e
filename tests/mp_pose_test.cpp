#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/mp_pose.hpp"

namespace zoobench {
namespace {

cv::Mat person_row(const std::vector<float>& values) { return cv::Mat(values, true).reshape(1, 1); }

// A person lying with the head to the right: hip centre (100, 100), full-body point (150, 100).
cv::Mat lying_person() { return person_row({40, 60, 180, 140, 100, 100, 150, 100, 130, 100, 160, 100, 0.9f}); }

TEST(MPPose, WholeImageRowIsACentredUprightSquare) {
  const cv::Mat image(100, 200, CV_8UC3, cv::Scalar(5, 6, 7));  // w 200, h 100
  const auto crop = mp_pose::crop_person(image, mp_pose::whole_image_person_row(image.size()), {256, 256});
  // hip (100, 50), half-side 100: ROI (0, -50)-(200, 150), the image padded by 50 above and below.
  EXPECT_NEAR(crop.mapping.angle, 0, 1e-9);
  EXPECT_EQ(crop.roi, cv::Size(200, 200));
  EXPECT_EQ(crop.pad_bias, cv::Point(0, -50));
  EXPECT_EQ(crop.image.at<cv::Vec3b>(100, 100), cv::Vec3b(5, 6, 7));
  EXPECT_EQ(crop.image.at<cv::Vec3b>(20, 100), cv::Vec3b(0, 0, 0));
  const cv::Point2d centre = mediapipe::to_image(crop.mapping, {128, 128});
  EXPECT_NEAR(centre.x, 100, 1e-6);
  EXPECT_NEAR(centre.y, 50, 1e-6);
}

// Half-side |hip - full body| = 50: ROI (50, 50)-(150, 150); rotated 90 deg about the hip so the body
// points up. The top centre of the input is then the full-body point, 50 px right of the hip.
TEST(MPPose, CropRotatesThePersonUpright) {
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(9, 9, 9));
  const auto crop = mp_pose::crop_person(image, lying_person(), {256, 256});
  EXPECT_NEAR(crop.mapping.angle, 90, 1e-9);
  EXPECT_EQ(crop.roi, cv::Size(100, 100));
  EXPECT_EQ(crop.pad_bias, cv::Point(50, 50));
  const cv::Point2d top = mediapipe::to_image(crop.mapping, {128, 0});
  EXPECT_NEAR(top.x, 150, 1e-4);
  EXPECT_NEAR(top.y, 100, 1e-4);
  const cv::Point2d hip = mediapipe::to_image(crop.mapping, {128, 128});
  EXPECT_NEAR(hip.x, 100, 1e-4);
  EXPECT_NEAR(hip.y, 100, 1e-4);
}

TEST(MPPose, BadPersonRowsAreDataErrors) {
  const cv::Mat image(100, 100, CV_8UC3);
  EXPECT_THROW(mp_pose::crop_person(image, person_row({1, 2, 3, 4, 5, 6}), {256, 256}), DataError);
  EXPECT_THROW(mp_pose::crop_person(image, person_row({0, 0, 0, 0, 500, 500, 520, 500, 0, 0, 0, 0}), {256, 256}), DataError);
  EXPECT_THROW(mp_pose::crop_person(image, person_row({0, 0, 0, 0, 50, 50, 50, 50, 0, 0, 0, 0}), {256, 256}), DataError);
}

// Mask positive in its left half, no rotation, 100x100 ROI placed at (-20, 10) in a 100x100 image:
// person pixels are image columns 0..29 of rows 10..99.
TEST(MPPose, MaskIsPlacedClippedAndBinarised) {
  cv::Mat mask(256, 256, CV_32F, cv::Scalar(-1));
  mask.colRange(0, 128).setTo(1);
  const cv::Mat out = mp_pose::mask_to_image(mask, 0, {100, 100}, {-20, 10}, {100, 100});
  ASSERT_EQ(out.size(), cv::Size(100, 100));
  ASSERT_EQ(out.type(), CV_8U);
  EXPECT_EQ(out.at<uchar>(50, 0), 255);
  EXPECT_EQ(out.at<uchar>(50, 29), 255);
  EXPECT_EQ(out.at<uchar>(50, 30), 0);
  EXPECT_EQ(out.at<uchar>(9, 10), 0);   // above the ROI
  EXPECT_EQ(out.at<uchar>(10, 10), 255);
  EXPECT_EQ(cv::countNonZero(out), 30 * 90);

  // Rotated back by 90 deg: the upright frame's top half is the image's right half.
  cv::Mat top(256, 256, CV_32F, cv::Scalar(-1));
  top.rowRange(0, 128).setTo(1);
  const cv::Mat turned = mp_pose::mask_to_image(top, 90, {100, 100}, {0, 0}, {100, 100});
  EXPECT_EQ(turned.at<uchar>(50, 90), 255);
  EXPECT_EQ(turned.at<uchar>(50, 10), 0);
  EXPECT_THROW(mp_pose::mask_to_image(cv::Mat::zeros(10, 10, CV_32F), 0, {100, 100}, {0, 0}, {100, 100}), Error);
}

std::vector<cv::Mat> pose_outputs(float confidence) {
  const int mask_shape[] = {1, 256, 256, 1};
  const int heatmap_shape[] = {1, 64, 64, 39};
  cv::Mat landmarks(1, 195, CV_32F), world(1, 117, CV_32F, cv::Scalar(0));
  for (int i = 0; i < 39; ++i) {
    float* l = landmarks.ptr<float>() + 5 * i;
    l[0] = 128;  // the hip, at the input centre
    l[1] = 128;
    l[2] = 2.56f;
    l[3] = 0;    // visibility logit -> 0.5
    l[4] = 2;    // presence logit -> 0.881
  }
  landmarks.at<float>(0, 1) = 0;  // landmark 0 at the input's top centre
  world.at<float>(0, 0) = 1;      // world (1, 0, 2) -> rotated back (0, 1, 2)
  world.at<float>(0, 2) = 2;
  return {landmarks, (cv::Mat_<float>(1, 1) << confidence), cv::Mat(4, mask_shape, CV_32F, cv::Scalar(1)),
          cv::Mat(4, heatmap_shape, CV_32F, cv::Scalar(0)), world};
}

TEST(MPPose, DecodesLandmarksBoxWorldAndMask) {
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(9, 9, 9));
  const auto crop = mp_pose::crop_person(image, lying_person(), {256, 256});
  const auto pose = mp_pose::decode(pose_outputs(0.95f), crop, image.size(), 0.9f);
  ASSERT_TRUE(pose.found());
  ASSERT_EQ(pose.landmarks.size(), cv::Size(5, 39));
  EXPECT_NEAR(pose.landmarks.at<float>(0, 0), 150, 1e-3);  // full-body end, right of the hip
  EXPECT_NEAR(pose.landmarks.at<float>(0, 1), 100, 1e-3);
  EXPECT_NEAR(pose.landmarks.at<float>(7, 0), 100, 1e-3);  // the hip
  EXPECT_NEAR(pose.landmarks.at<float>(7, 1), 100, 1e-3);
  EXPECT_NEAR(pose.landmarks.at<float>(7, 2), 1, 1e-4);  // z 2.56 x 100/256 px
  EXPECT_NEAR(pose.landmarks.at<float>(7, 3), 0.5, 1e-6);
  EXPECT_NEAR(pose.landmarks.at<float>(7, 4), 1 / (1 + std::exp(-2.0)), 1e-6);
  EXPECT_NEAR(pose.world.at<float>(0, 0), 0, 1e-5);
  EXPECT_NEAR(pose.world.at<float>(0, 1), 1, 1e-5);
  EXPECT_NEAR(pose.world.at<float>(0, 2), 2, 1e-5);
  // Landmark bounds (100..150, 100..100) x1.25 about (125, 100).
  EXPECT_NEAR(pose.box.x, 93.75, 1e-3);
  EXPECT_NEAR(pose.box.width, 62.5, 1e-3);
  EXPECT_NEAR(pose.box.y, 100, 1e-3);
  EXPECT_NEAR(pose.box.height, 0, 1e-3);
  // An all-positive mask covers the 100x100 ROI at (50, 50).
  ASSERT_EQ(pose.mask.size(), image.size());
  EXPECT_GE(cv::countNonZero(pose.mask), 9900);
  EXPECT_LE(cv::countNonZero(pose.mask), 10000);
  EXPECT_EQ(pose.mask.at<uchar>(100, 100), 255);
  EXPECT_EQ(pose.mask.at<uchar>(20, 20), 0);

  const auto unsure = mp_pose::decode(pose_outputs(0.5f), crop, image.size(), 0.9f);
  EXPECT_FALSE(unsure.found());
  EXPECT_TRUE(unsure.mask.empty());
  auto missing = pose_outputs(0.95f);
  missing.pop_back();
  EXPECT_THROW(mp_pose::decode(missing, crop, image.size(), 0.9f), Error);
}

// Stand-in with the zoo model's input [1,256,256,3] and five outputs, run on a person row and, without
// labels, on the whole image; the mask comes back at the image size.
TEST(MPPose, StandInModelRunsEndToEnd) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "pose_estimation_mediapipe_2023mar.onnx", {{"input_1", {1, 256, 256, 3}}},
                                     {{"Identity", {1, 195}}, {"Identity_1", {1, 1}}, {"Identity_2", {1, 256, 256, 1}},
                                      {"Identity_3", {1, 64, 64, 39}}, {"Identity_4", {1, 117}}});
  auto built = test::build_model("MPPose", {model}, "{confThreshold: -1000}");
  EXPECT_TRUE(built.params->unused_keys().empty());
  const cv::Mat image(200, 300, CV_8UC3, cv::Scalar(30, 90, 150));
  for (const cv::Mat& row : {lying_person(), cv::Mat()}) {
    test::run_once(*built.model, image, row);
    const auto& result = built->result();
    ASSERT_EQ(result.detections.size(), 1u) << built->result_summary();
    EXPECT_EQ(result.detections[0].points.size(), 39u);
    ASSERT_EQ(result.mask.size(), image.size());
    EXPECT_EQ(result.mask.type(), CV_8U);
  }
}

}  // namespace
}  // namespace zoobench
