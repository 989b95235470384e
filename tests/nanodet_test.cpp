#include <gtest/gtest.h>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/nanodet.hpp"

namespace zoobench {
namespace {

// Levels for a square input with `classes` classes, all zero.
std::vector<nanodet::Level> zero_levels(cv::Size input, int classes) {
  std::vector<nanodet::Level> levels;
  for (int s : nanodet::kStrides) {
    const int rows = (input.width / s) * (input.height / s);
    levels.push_back({cv::Mat::zeros(rows, classes, CV_32F), cv::Mat::zeros(rows, 32, CV_32F)});
  }
  return levels;
}

// One-hot logits: the softmax puts (almost) all weight on `bin`.
void set_side(cv::Mat& reg, int row, int side, int bin) { reg.at<float>(row, side * 8 + bin) = 50.f; }

TEST(NanoDet, DecodesTheDistributionOfEachSide) {
  const cv::Size input(64, 64);  // cells: 8x8, 4x4, 2x2, 1x1
  auto levels = zero_levels(input, 3);
  // Stride 8, cell (x 2, y 1) -> row 10, anchor (2*8 + 3.5, 1*8 + 3.5) = (19.5, 11.5).
  const int row = 10;
  levels[0].cls.at<float>(row, 2) = 0.9f;
  levels[0].cls.at<float>(row, 0) = 0.2f;
  set_side(levels[0].reg, row, 0, 2);  // left   2 * 8 = 16 -> x1 3.5
  set_side(levels[0].reg, row, 1, 1);  // top    1 * 8 = 8  -> y1 3.5
  // right: all bins equal -> expectation 3.5 * 8 = 28 -> x2 47.5
  set_side(levels[0].reg, row, 3, 7);  // bottom 7 * 8 = 56 -> y2 67.5, clipped to 64
  const auto found = nanodet::decode(levels, input, 0.35f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].class_id, 2);
  EXPECT_FLOAT_EQ(found[0].score, 0.9f);
  EXPECT_NEAR(found[0].box.x, 3.5f, 1e-4);
  EXPECT_NEAR(found[0].box.y, 3.5f, 1e-4);
  EXPECT_NEAR(found[0].box.x + found[0].box.width, 47.5f, 1e-4);
  EXPECT_NEAR(found[0].box.y + found[0].box.height, 64.f, 1e-4);
}

TEST(NanoDet, KeepsTheTop1000RowsPerLevel) {
  const cv::Size input(320, 256);  // stride 8: 40x32 = 1280 rows
  auto levels = zero_levels(input, 2);
  levels[0].cls.setTo(0.5f);
  EXPECT_EQ(nanodet::decode(levels, input, 0.35f).size(), static_cast<std::size_t>(nanodet::kPreNmsTop));
}

TEST(NanoDet, ArrangesOutputsByStrideAndRole) {
  const auto levels = zero_levels({64, 64}, 80);
  // The zoo's order is cls, reg per stride; give stride 64 first and one pair reversed.
  const std::vector<cv::Mat> outputs = {levels[3].cls, levels[3].reg, levels[1].reg, levels[1].cls,
                                        levels[0].cls, levels[0].reg, levels[2].cls, levels[2].reg};
  const auto arranged = nanodet::arrange_outputs(outputs);
  ASSERT_EQ(arranged.size(), 4u);
  const int rows[4] = {64, 16, 4, 1};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].cls.rows, rows[i]);
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].cls.cols, 80);
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].reg.cols, 32);
  }
}

TEST(NanoDet, RejectsWrongOutputs) {
  EXPECT_THROW(nanodet::arrange_outputs({cv::Mat::zeros(4, 80, CV_32F)}), Error);
  auto levels = zero_levels({64, 64}, 3);
  EXPECT_THROW(nanodet::decode(levels, {128, 128}, 0.5f), Error);
  std::vector<cv::Mat> outputs;
  for (const auto& l : levels) {
    outputs.push_back(l.cls);
    outputs.push_back(cv::Mat::zeros(l.reg.rows, 30, CV_32F));
  }
  EXPECT_THROW(nanodet::arrange_outputs(outputs), Error);
}

TEST(NanoDet, LetterboxCentresAndMapsBack) {
  const cv::Mat image(100, 200, CV_8UC3, cv::Scalar(255, 255, 255));
  const auto lb = nanodet::letterbox(image, {64, 64});
  ASSERT_EQ(lb.image.size(), cv::Size(64, 64));
  EXPECT_EQ(lb.scaled, cv::Size(64, 32));
  EXPECT_EQ(lb.top, 16);
  EXPECT_EQ(lb.left, 0);
  EXPECT_EQ(lb.image.at<cv::Vec3b>(5, 30), cv::Vec3b(0, 0, 0));        // padding
  EXPECT_EQ(lb.image.at<cv::Vec3b>(30, 30), cv::Vec3b(255, 255, 255));  // image
  const cv::Rect2f back = nanodet::unletterbox({0, 16, 64, 32}, lb, image.size());
  EXPECT_NEAR(back.x, 0, 1e-4);
  EXPECT_NEAR(back.y, 0, 1e-4);
  EXPECT_NEAR(back.width, 200, 1e-3);
  EXPECT_NEAR(back.height, 100, 1e-3);
}

// Load + forward on a stand-in with the zoo model's input and its eight outputs (416x416: 2704, 676,
// 169 and 36 cells; 80 classes, 32 distance bins).
TEST(NanoDet, StandInModelLoadsAndRuns) {
  const auto dir = test::scratch_dir();
  std::vector<test::TensorSpec> outputs;
  for (int s : nanodet::kStrides) {
    const int n = (416 / s) * (416 / s);
    outputs.push_back({"cls_pred_stride_" + std::to_string(s), {1, n, 80}});
    outputs.push_back({"dis_pred_stride_" + std::to_string(s), {1, n, 32}});
  }
  const auto model = test::make_onnx(dir / "object_detection_nanodet_2022nov.onnx", {{"data", {1, 3, 416, 416}}},
                                     outputs);
  auto built = test::build_model("NanoDet", {model}, "{prob_threshold: 0.0, iou_threshold: 0.6}");
  cv::Mat image(480, 640, CV_8UC3);
  cv::randu(image, 0, 255);
  test::run_once(*built.model, image);
  const auto& found = built->result().detections;
  EXPECT_FALSE(found.empty());
  const cv::Rect2f frame(0, 0, 640, 480);
  for (const auto& d : found) {
    EXPECT_GE(d.box.x, 0);
    EXPECT_LE(d.box.x + d.box.width, frame.width + 1e-3f);
    EXPECT_LE(d.box.y + d.box.height, frame.height + 1e-3f);
    EXPECT_GE(d.class_id, 0);
    EXPECT_LT(d.class_id, 80);
  }
}

}  // namespace
}  // namespace zoobench
