#include <gtest/gtest.h>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/pphumanseg.hpp"

namespace zoobench {
namespace {

// [1,2,192,192] logits: background 0 everywhere; person +1 inside rows 48..143, cols 64..127, -1 outside.
cv::Mat rectangle_logits() {
  const int sizes[4] = {1, 2, 192, 192};
  cv::Mat logits(4, sizes, CV_32F, cv::Scalar(0));
  cv::Mat person(192, 192, CV_32F, logits.ptr<float>(0, 1));
  person.setTo(-1.f);
  person(cv::Range(48, 144), cv::Range(64, 128)).setTo(1.f);
  return logits;
}

cv::Mat expected_mask(cv::Size size, cv::Rect person) {
  cv::Mat mask = cv::Mat::zeros(size, CV_8U);
  mask(person).setTo(1);
  return mask;
}

TEST(PPHumanSeg, MaskAtTheNetworkSizeIsTheRectangle) {
  const cv::Mat mask = pphumanseg::decode_mask(rectangle_logits(), {192, 192});
  ASSERT_EQ(mask.type(), CV_8U);
  EXPECT_EQ(cv::norm(mask, expected_mask({192, 192}, {64, 48, 64, 96}), cv::NORM_INF), 0);
}

TEST(PPHumanSeg, MaskIsResizedBeforeTheArgmax) {
  // 2x bilinear: output x samples source (x + 0.5)/2 - 0.5, so the +1/-1 edge between source columns 63
  // and 64 crosses zero at source 63.5 = output 127.5: person from column 128; likewise the far edges
  // (source 127.5 -> output 255.5) end at 255. The rectangle doubles exactly.
  const cv::Mat mask = pphumanseg::decode_mask(rectangle_logits(), {384, 384});
  ASSERT_EQ(mask.size(), cv::Size(384, 384));
  EXPECT_EQ(cv::norm(mask, expected_mask({384, 384}, {128, 96, 128, 192}), cv::NORM_INF), 0);
}

TEST(PPHumanSeg, TiesGoToTheFirstClassAndShapesAreChecked) {
  const int sizes[4] = {1, 3, 2, 2};
  cv::Mat logits(4, sizes, CV_32F, cv::Scalar(0));
  logits.ptr<float>(0, 2)[3] = 1.f;  // class 2 wins the last pixel only
  const cv::Mat mask = pphumanseg::decode_mask(logits, {2, 2});
  EXPECT_EQ(mask.at<uchar>(0, 0), 0);
  EXPECT_EQ(mask.at<uchar>(1, 1), 2);
  EXPECT_THROW(pphumanseg::decode_mask(cv::Mat::zeros(2, 192, CV_32F), {192, 192}), Error);
  const int batch2[4] = {2, 2, 4, 4};
  EXPECT_THROW(pphumanseg::decode_mask(cv::Mat(4, batch2, CV_32F, cv::Scalar(0)), {4, 4}), Error);
}

TEST(PPHumanSeg, InputIsRgbResizedAndScaledToMinusOneToOne) {
  const cv::Mat bgr(100, 300, CV_8UC3, cv::Scalar(0, 255, 51));
  const cv::Mat blob = pphumanseg::input_blob(bgr, {192, 192});
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[1], 3);
  EXPECT_EQ(blob.size[2], 192);
  EXPECT_EQ(blob.size[3], 192);
  const float* data = blob.ptr<float>();
  const int plane = 192 * 192;
  EXPECT_NEAR(data[0], (51 / 255.0 - 0.5) / 0.5, 1e-5);  // R
  EXPECT_NEAR(data[plane], 1.0, 1e-5);                  // G
  EXPECT_NEAR(data[2 * plane], -1.0, 1e-5);             // B
}

TEST(PPHumanSeg, StandInModelRunsEndToEnd) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "human_segmentation_pphumanseg_2023mar.onnx", {{"x", {1, 3, 192, 192}}},
                                     {{"save_infer_model/scale_0.tmp_1", {1, 2, 192, 192}}});
  auto built = test::build_model("PPHumanSeg", {model});
  cv::Mat image(200, 300, CV_8UC3);
  cv::randu(image, 0, 255);
  test::run_once(*built.model, image);
  const cv::Mat& mask = built->result().mask;
  ASSERT_EQ(mask.size(), image.size());
  ASSERT_EQ(mask.type(), CV_8U);
  double max_value = 0;
  cv::minMaxLoc(mask, nullptr, &max_value);
  EXPECT_LE(max_value, 1.0);
  EXPECT_NE(built->result_summary().find("300x200 mask"), std::string::npos) << built->result_summary();
}

}  // namespace
}  // namespace zoobench
