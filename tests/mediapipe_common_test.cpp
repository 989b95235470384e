#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/mediapipe_common.hpp"
#include "zoobench/models/mp_palmdet.hpp"
#include "zoobench/models/mp_persondet.hpp"

namespace zoobench {
namespace {

namespace mp = mediapipe;

void expect_point(const cv::Point2d& actual, double x, double y, double tolerance = 1e-6) {
  EXPECT_NEAR(actual.x, x, tolerance);
  EXPECT_NEAR(actual.y, y, tolerance);
}

// Palm, 192x192: stride 8 -> 24x24 cells x 2 anchors = 1152; strides 16,16,16 share a 12x12 map with
// 3 x 2 = 6 anchors per cell = 864; 2016 in all (the zoo's hard-coded table has 2016 rows).
TEST(MediaPipeAnchors, PalmSchemeGives2016Anchors) {
  const auto anchors = mp::generate_anchors(mp_palmdet::anchor_options({192, 192}));
  ASSERT_EQ(anchors.size(), 2016u);
  const float s8 = 1.f / 24, s16 = 1.f / 12;
  expect_point(anchors[0], 0.5 * s8, 0.5 * s8);   // 0.0208333, as the zoo's first row
  expect_point(anchors[1], 0.5 * s8, 0.5 * s8);   // two anchors per cell
  expect_point(anchors[2], 1.5 * s8, 0.5 * s8);   // x runs fastest: 0.0625
  expect_point(anchors[48], 0.5 * s8, 1.5 * s8);  // second row starts after 24 cells x 2
  expect_point(anchors[1151], 23.5 * s8, 23.5 * s8);
  for (int i = 1152; i < 1158; ++i) expect_point(anchors[static_cast<std::size_t>(i)], 0.5 * s16, 0.5 * s16);
  expect_point(anchors[1158], 1.5 * s16, 0.5 * s16);  // 0.125
  expect_point(anchors[2015], 11.5 * s16, 11.5 * s16);
}

// Person, 224x224: 28x28x2 = 1568, 14x14x2 = 392, strides 32,32,32 share 7x7 with 6 per cell = 294.
TEST(MediaPipeAnchors, PersonSchemeGives2254Anchors) {
  const auto anchors = mp::generate_anchors(mp_persondet::anchor_options({224, 224}));
  ASSERT_EQ(anchors.size(), 2254u);
  expect_point(anchors[0], 0.5 / 28, 0.5 / 28);  // 0.017857142857142856, as the zoo's first row
  expect_point(anchors[2], 1.5 / 28, 0.5 / 28);
  expect_point(anchors[1568], 0.5 / 14, 0.5 / 14);
  expect_point(anchors[1960], 0.5 / 7, 0.5 / 7);
  expect_point(anchors[1965], 0.5 / 7, 0.5 / 7);
  expect_point(anchors[1966], 1.5 / 7, 0.5 / 7);
  expect_point(anchors[2253], 6.5 / 7, 6.5 / 7);
}

TEST(MediaPipeAnchors, FeatureMapsRoundUpAndBadOptionsThrow) {
  // 20 / 8 -> 3 cells per side: 9 cells x 2 anchors.
  EXPECT_EQ(mp::generate_anchors({{20, 20}, {8}}).size(), 18u);
  EXPECT_THROW(mp::generate_anchors({{20, 20}, {0}}), Error);
  EXPECT_THROW(mp::generate_anchors({{0, 20}, {8}}), Error);
}

TEST(MediaPipeLetterbox, CentresAndReportsThePadInImagePixels) {
  const cv::Mat image(192, 384, CV_8UC3, cv::Scalar(10, 20, 30));  // w 384, h 192 -> ratio 0.5
  const auto boxed = mp::letterbox(image, {192, 192});
  ASSERT_EQ(boxed.image.size(), cv::Size(192, 192));
  EXPECT_EQ(boxed.pad_bias, cv::Point(0, 96));  // 48 px of padding on top = 96 image pixels
  EXPECT_EQ(boxed.image.at<cv::Vec3b>(47, 100), cv::Vec3b(0, 0, 0));
  EXPECT_EQ(boxed.image.at<cv::Vec3b>(48, 100), cv::Vec3b(10, 20, 30));
  EXPECT_EQ(boxed.image.at<cv::Vec3b>(143, 100), cv::Vec3b(10, 20, 30));
  EXPECT_EQ(boxed.image.at<cv::Vec3b>(144, 100), cv::Vec3b(0, 0, 0));

  const cv::Mat exact(192, 192, CV_8UC3);
  const auto same = mp::letterbox(exact, {192, 192});
  EXPECT_EQ(same.image.data, exact.data);  // used as it is
  EXPECT_EQ(same.pad_bias, cv::Point(0, 0));
}

// One anchor with known deltas: 192x192 input, 384x192 image letterboxed (pad_bias y = 96).
TEST(MediaPipeSsd, DecodesOneAnchor) {
  const std::vector<cv::Point2f> anchors = {{0.25f, 0.25f}, {0.5f, 0.5f}};
  cv::Mat regressors = cv::Mat::zeros(2, 6, CV_32F);  // 1 keypoint
  cv::Mat logits = (cv::Mat_<float>(2, 1) << -3.f, 2.f);
  float* r = regressors.ptr<float>(1);
  r[0] = 19.2f;   // cx + 0.1
  r[1] = -9.6f;   // cy - 0.05
  r[2] = 38.4f;   // w 0.2
  r[3] = 19.2f;   // h 0.1
  r[4] = -19.2f;  // keypoint x - 0.1
  r[5] = 0.f;
  mp::SsdDecodeParams params{"test", {192, 192}, {384, 192}, {0, 96}, 1, 0.5f};
  const auto found = mp::decode_ssd(regressors, logits, anchors, params);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(found[0].score, 1 / (1 + std::exp(-2.0)), 1e-6);
  // centre (0.6, 0.45) * 384 - (0, 96) = (230.4, 76.8); size (0.2, 0.1) * 384 = (76.8, 38.4)
  EXPECT_NEAR(found[0].box.x, 230.4 - 38.4, 1e-3);
  EXPECT_NEAR(found[0].box.y, 76.8 - 19.2, 1e-3);
  EXPECT_NEAR(found[0].box.width, 76.8, 1e-3);
  EXPECT_NEAR(found[0].box.height, 38.4, 1e-3);
  ASSERT_EQ(found[0].points.size(), 1u);
  EXPECT_NEAR(found[0].points[0].x, 0.4 * 384, 1e-3);
  EXPECT_NEAR(found[0].points[0].y, 0.5 * 384 - 96, 1e-3);

  params.score_threshold = 0.9f;
  EXPECT_TRUE(mp::decode_ssd(regressors, logits, anchors, params).empty());
  params.keypoints = 2;  // 8 values per anchor needed, 6 given
  EXPECT_THROW(mp::decode_ssd(regressors, logits, anchors, params), Error);
}

TEST(MediaPipeBlob, WritesNhwcAndNchw) {
  cv::Mat image(1, 2, CV_8UC3);
  image.at<cv::Vec3b>(0, 0) = {10, 20, 30};
  image.at<cv::Vec3b>(0, 1) = {40, 50, 60};
  cv::Mat blob;
  mp::make_blob(image, mp::Layout::NHWC, 0.5, 1.0, blob);
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[1], 1);
  EXPECT_EQ(blob.size[2], 2);
  EXPECT_EQ(blob.size[3], 3);
  const float* v = blob.ptr<float>();
  EXPECT_FLOAT_EQ(v[0], 6.f);
  EXPECT_FLOAT_EQ(v[2], 16.f);
  EXPECT_FLOAT_EQ(v[3], 21.f);
  mp::make_blob(image, mp::Layout::NCHW, 1.0, 0.0, blob);
  EXPECT_EQ(blob.size[1], 3);
  EXPECT_EQ(blob.size[3], 2);
  v = blob.ptr<float>();
  EXPECT_FLOAT_EQ(v[0], 10.f);  // channel 0, pixel 0
  EXPECT_FLOAT_EQ(v[1], 40.f);  // channel 0, pixel 1
  EXPECT_FLOAT_EQ(v[2], 20.f);  // channel 1, pixel 0
  EXPECT_THROW(mp::make_blob(cv::Mat(2, 2, CV_8UC1), mp::Layout::NHWC, 1, 0, blob), Error);
}

TEST(MediaPipeOutputs, MatchesBySizeKeepingOrder) {
  const std::vector<cv::Mat> outputs = {cv::Mat::zeros(1, 63, CV_32F), cv::Mat::ones(1, 1, CV_32F),
                                        cv::Mat::zeros(1, 1, CV_32F), cv::Mat::ones(1, 63, CV_32F)};
  const auto matched = mp::match_outputs(outputs, {63, 1, 1, 63}, "test");
  EXPECT_EQ(matched[0], &outputs[0]);
  EXPECT_EQ(matched[1], &outputs[1]);
  EXPECT_EQ(matched[2], &outputs[2]);
  EXPECT_EQ(matched[3], &outputs[3]);
  EXPECT_THROW(mp::match_outputs(outputs, {63, 1, 1, 63, 5}, "test"), Error);
}

TEST(MediaPipeRows, ShortRowIsADataError) {
  EXPECT_THROW(mp::row_values(cv::Mat::zeros(1, 5, CV_32F), 12, "test", "a person row"), DataError);
  const auto values = mp::row_values((cv::Mat_<float>(1, 3) << 1, 2, 3), 3, "test", "x");
  EXPECT_EQ(values, (std::vector<double>{1, 2, 3}));
}

TEST(MediaPipeGeometry, UprightAngle) {
  EXPECT_NEAR(mp::upright_angle({0, 10}, {0, 0}), 0, 1e-9);     // already up
  EXPECT_NEAR(mp::upright_angle({0, 0}, {10, 0}), 90, 1e-9);    // right -> rotate the image 90 deg CCW
  EXPECT_NEAR(mp::upright_angle({0, 0}, {-10, 0}), -90, 1e-9);
  EXPECT_NEAR(mp::upright_angle({0, 0}, {0, 10}), -180, 1e-9);  // down: normalised into [-180, 180)
  // The rotation getRotationMatrix2D builds from it turns the direction straight up.
  const cv::Point2d from(30, 40), to(70, 10);
  const cv::Matx23d r = cv::getRotationMatrix2D(cv::Point2f(from), mp::upright_angle(from, to), 1.0);
  const cv::Point2d d = mp::apply(r, to) - mp::apply(r, from);
  EXPECT_NEAR(d.x, 0, 1e-4);
  EXPECT_NEAR(d.y, -50, 1e-4);
}

TEST(MediaPipeGeometry, ShiftScaleBoundsAndTruncate) {
  const mp::Corners box = mp::shift_and_scale({10, 20, 30, 60}, {0, -0.4}, 3);  // w 20, h 40
  // centre (20, 40 - 16) = (20, 24); half sizes (30, 60)
  EXPECT_DOUBLE_EQ(box.x1, -10);
  EXPECT_DOUBLE_EQ(box.y1, -36);
  EXPECT_DOUBLE_EQ(box.x2, 50);
  EXPECT_DOUBLE_EQ(box.y2, 84);
  const mp::Corners b = mp::bounds({{3, 9}, {-1, 4}, {7, 5}});
  EXPECT_DOUBLE_EQ(b.x1, -1);
  EXPECT_DOUBLE_EQ(b.y1, 4);
  EXPECT_DOUBLE_EQ(b.x2, 7);
  EXPECT_DOUBLE_EQ(b.y2, 9);
  EXPECT_EQ(mp::truncate({-3.7, 2.9, 10.5, 8.1}), cv::Rect(-3, 2, 13, 6));  // toward zero, as astype(int32)
  EXPECT_THROW(mp::truncate({std::nan(""), 0, 1, 1}), Error);
}

// Input (60, 50) of a 100x100 input showing a crop centred at (50, 50) of an image rotated 90 deg
// about (50, 50), 2 px per input pixel, the crop starting at (10, 20) of the original:
// rotated point (70, 50) -> un-rotated (50, 70) -> original (60, 90).
TEST(MediaPipeGeometry, MapsInputPointsBackThroughTheRotation) {
  mp::RoiMapping m;
  m.rotation = cv::getRotationMatrix2D(cv::Point2f(50, 50), 90, 1.0);  // [[0 1 0] [-1 0 100]]
  m.angle = 90;
  m.centre = {50, 50};
  m.scale = {2, 2};
  m.pad_bias = {10, 20};
  m.input = {100, 100};
  expect_point(mp::to_image(m, {60, 50}), 60, 90, 1e-9);
  expect_point(mp::to_image(m, {50, 40}), 80, 70, 1e-9);
  expect_point(mp::unrotate(m, {1, 0}), 0, 1, 1e-9);
  // Round trip: a point rotated into the crop maps back to itself.
  m.scale = {1, 1};
  m.pad_bias = {0, 0};
  const cv::Point2d p(12, 34);
  const cv::Point2d in_rotated = mp::apply(m.rotation, p);
  expect_point(mp::to_image(m, in_rotated), p.x, p.y, 1e-9);
}

TEST(MediaPipeGeometry, PadsToACentredSquare) {
  const cv::Mat image(3, 5, CV_8UC1, cv::Scalar(7));
  cv::Point left_top;
  const cv::Mat square = mp::pad_to_square(image, 5, left_top);
  ASSERT_EQ(square.size(), cv::Size(5, 5));
  EXPECT_EQ(left_top, cv::Point(0, 1));
  EXPECT_EQ(square.at<uchar>(0, 2), 0);
  EXPECT_EQ(square.at<uchar>(1, 2), 7);
  EXPECT_EQ(square.at<uchar>(3, 2), 7);
  EXPECT_EQ(square.at<uchar>(4, 2), 0);
}

}  // namespace
}  // namespace zoobench
