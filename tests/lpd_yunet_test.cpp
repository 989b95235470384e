#include <gtest/gtest.h>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/lpd_yunet.hpp"

namespace zoobench {
namespace {

Detection plate(std::vector<cv::Point2f> corners, float score) {
  Detection d;
  d.points = std::move(corners);
  d.score = score;
  return d;
}

TEST(LpdYuNet, PriorsCoverTheFeatureMapPyramid) {
  // 64x48: maps 8x6 (x3 sizes), 4x3 (x2), 2x1 (x2), 1x0 (none).
  const auto priors = lpd_yunet::priors_for({64, 48});
  ASSERT_EQ(priors.size(), 8u * 6 * 3 + 4 * 3 * 2 + 2 * 1 * 2);
  EXPECT_NEAR(priors[0].x, 4.f / 64, 1e-6);
  EXPECT_NEAR(priors[0].y, 4.f / 48, 1e-6);
  EXPECT_NEAR(priors[0].width, 10.f / 64, 1e-6);
}

TEST(LpdYuNet, DecodesFourCornersOfOnePlate) {
  const cv::Size input(64, 48);
  const auto priors = lpd_yunet::priors_for(input);
  const int n = static_cast<int>(priors.size());
  cv::Mat loc = cv::Mat::zeros(n, 14, CV_32F), conf = cv::Mat::zeros(n, 2, CV_32F), iou = cv::Mat::zeros(n, 1, CV_32F);
  // Prior 0: centre (4, 4) px, size 10 px, so a corner is (4 + lx, 4 + ly) with the 0.1 variance.
  float* l = loc.ptr<float>(0);
  const float corners[4][2] = {{-2, -1}, {6, -1}, {6, 3}, {-2, 3}};
  const int columns[4] = {4, 6, 10, 12};
  for (int k = 0; k < 4; ++k) {
    l[columns[k]] = corners[k][0];
    l[columns[k] + 1] = corners[k][1];
  }
  l[0] = 50.f;  // the centre-size box columns are not used for plates
  conf.at<float>(0, 1) = 0.81f;
  iou.at<float>(0, 0) = 2.f;  // clamped to 1
  const auto plates = lpd_yunet::decode(loc, conf, iou, priors, input, 0.8f);
  ASSERT_EQ(plates.size(), 1u);
  EXPECT_NEAR(plates[0].score, 0.9f, 1e-5);
  ASSERT_EQ(plates[0].points.size(), 4u);
  const cv::Point2f expected[4] = {{2, 3}, {10, 3}, {10, 7}, {2, 7}};
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(plates[0].points[static_cast<std::size_t>(k)].x, expected[k].x, 1e-4) << k;
    EXPECT_NEAR(plates[0].points[static_cast<std::size_t>(k)].y, expected[k].y, 1e-4) << k;
  }
  EXPECT_NEAR(plates[0].box.x, 2.f, 1e-4);
  EXPECT_NEAR(plates[0].box.width, 8.f, 1e-4);
  EXPECT_NEAR(plates[0].box.height, 4.f, 1e-4);
  EXPECT_TRUE(lpd_yunet::decode(loc, conf, iou, priors, input, 0.95f).empty());
}

TEST(LpdYuNet, RejectsOutputsThatDoNotMatchThePriors) {
  const auto priors = lpd_yunet::priors_for({64, 48});
  EXPECT_THROW(lpd_yunet::decode(cv::Mat::zeros(3, 14, CV_32F), cv::Mat::zeros(3, 2, CV_32F),
                                 cv::Mat::zeros(3, 1, CV_32F), priors, {64, 48}, 0.5f),
               Error);
}

TEST(LpdYuNet, NmsReadsTheFirstTwoCornersAsXYWidthHeight) {
  // Real boxes: A x 100..140, y 100..110; B x 110..150, y 105..115: IoU 0.23, both survive a true NMS.
  // The zoo's quirk rects (x1, y1, x2, y2 read as x, y, w, h): A (100,100,140,100), B (110,105,150,105):
  // IoU 0.71, so B is suppressed at 0.3.
  const std::vector<Detection> candidates = {
      plate({{100, 100}, {140, 100}, {140, 110}, {100, 110}}, 0.9f),
      plate({{110, 105}, {150, 105}, {150, 115}, {110, 115}}, 0.85f),
  };
  const auto kept = lpd_yunet::suppress(candidates, 0.8f, 0.3f, 5000, 750);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FLOAT_EQ(kept[0].score, 0.9f);
  EXPECT_EQ(lpd_yunet::suppress(candidates, 0.8f, 0.3f, 5000, 0).size(), 1u);
  EXPECT_EQ(lpd_yunet::suppress(candidates, 0.8f, 0.8f, 5000, 1).size(), 1u);  // keepTopK caps
  EXPECT_EQ(lpd_yunet::suppress(candidates, 0.8f, 0.8f, 5000, 750).size(), 2u);
}

// Load + forward on a generated stand-in with the zoo model's names and shapes (input 1x3x240x320).
TEST(LpdYuNet, StandInModelLoadsAndRuns) {
  const auto dir = test::scratch_dir();
  const int n = static_cast<int>(lpd_yunet::priors_for({320, 240}).size());
  const auto model = test::make_onnx(dir / "license_plate_detection_lpd_yunet_2023mar.onnx",
                                     {{"input", {1, 3, 240, 320}}},
                                     {{"loc", {n, 14}}, {"conf", {n, 2}}, {"iou", {n, 1}}});
  auto built = test::build_model("LPD_YuNet", {model},
                                 "{confThreshold: 0.0, nmsThreshold: 0.3, topK: 5000, keepTopK: 3}");
  built->set_input_size({320, 240});
  cv::Mat image(480, 640, CV_8UC3);
  cv::randu(image, 0, 255);
  test::run_once(*built.model, image);
  const auto& plates = built->result().detections;
  EXPECT_LE(plates.size(), 3u);
  for (const auto& p : plates) EXPECT_EQ(p.points.size(), 4u);
  EXPECT_NE(built->result_summary().find("plates"), std::string::npos);
}

TEST(LpdYuNet, RefusesAModelWithoutItsOutputs) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "other.onnx", {{"input", {1, 3, 240, 320}}}, {{"out", {1, 10}}});
  EXPECT_THROW(test::build_model("LPD_YuNet", {model}), ModelError);
}

}  // namespace
}  // namespace zoobench
