#include <gtest/gtest.h>

#include <algorithm>

#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/nanodet.hpp"

namespace zoobench {
namespace {

// Levels for strides 8/16/32/64 (the zoo's assumed layout) on `input`, `classes` classes, all zero.
std::vector<nanodet::Level> zero_levels(cv::Size input, int classes, std::vector<int> strides = {8, 16, 32, 64}) {
  std::vector<nanodet::Level> levels;
  for (int s : strides) {
    const int rows = (input.width / s) * (input.height / s);
    levels.push_back({cv::Mat::zeros(rows, classes, CV_32F), cv::Mat::zeros(rows, 32, CV_32F), s, input.width / s});
  }
  return levels;
}

// The outputs of `levels` as OpenCV hands them over: [1, N, C] each, cls then reg per level.
std::vector<cv::Mat> as_outputs(const std::vector<nanodet::Level>& levels) {
  std::vector<cv::Mat> outputs;
  for (const auto& l : levels) {
    outputs.push_back(l.cls.reshape(1, {1, l.cls.rows, l.cls.cols}));
    outputs.push_back(l.reg.reshape(1, {1, l.reg.rows, l.reg.cols}));
  }
  return outputs;
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
  const auto arranged = nanodet::arrange_outputs(outputs, {64, 64});
  ASSERT_EQ(arranged.size(), 4u);
  const int rows[4] = {64, 16, 4, 1};
  const int strides[4] = {8, 16, 32, 64};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].cls.rows, rows[i]);
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].cls.cols, 80);
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].reg.cols, 32);
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].stride, strides[i]);
    EXPECT_EQ(arranged[static_cast<std::size_t>(i)].cols, 8 / (1 << i));
  }
}

// The published 2022nov file: three levels, [1, 2704|676|169, 80] and [.., 32] at 416x416.
TEST(NanoDet, ThreeLevelsOfThePublishedFileGetStrides8To32) {
  const auto arranged = nanodet::arrange_outputs(as_outputs(zero_levels({416, 416}, 80, {8, 16, 32})), {416, 416});
  ASSERT_EQ(arranged.size(), 3u);
  EXPECT_EQ(arranged[0].stride, 8);
  EXPECT_EQ(arranged[0].cols, 52);
  EXPECT_EQ(arranged[1].stride, 16);
  EXPECT_EQ(arranged[2].stride, 32);
  EXPECT_EQ(arranged[2].cls.rows, 169);
}

// A grid that rounds up (ceil(100 / 16) = 7 cells per side) is recognised too.
TEST(NanoDet, CeilGridGetsItsStride) {
  const std::vector<cv::Mat> outputs = {cv::Mat::zeros(49, 3, CV_32F), cv::Mat::zeros(49, 32, CV_32F)};
  const auto arranged = nanodet::arrange_outputs(outputs, {100, 100});
  ASSERT_EQ(arranged.size(), 1u);
  EXPECT_EQ(arranged[0].stride, 16);
  EXPECT_EQ(arranged[0].cols, 7);
}

std::string arrange_error(const std::vector<cv::Mat>& outputs, cv::Size input,
                          const std::vector<std::string>& names = {}) {
  try {
    nanodet::arrange_outputs(outputs, input, names);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(NanoDet, LayoutsThatDoNotFitNameTheOutputsFound) {
  // Odd count.
  const auto odd = arrange_error({cv::Mat::zeros(4, 80, CV_32F)}, {64, 64}, {"cls8"});
  EXPECT_NE(odd.find("do not form pairs"), std::string::npos) << odd;
  EXPECT_NE(odd.find("cls8 [4,80]"), std::string::npos) << odd;
  // No distance output in a pair.
  std::vector<cv::Mat> outputs;
  for (const auto& l : zero_levels({64, 64}, 3)) {
    outputs.push_back(l.cls);
    outputs.push_back(cv::Mat::zeros(l.reg.rows, 30, CV_32F));
  }
  const auto no_reg = arrange_error(outputs, {64, 64});
  EXPECT_NE(no_reg.find("none of them a distance output"), std::string::npos) << no_reg;
  EXPECT_NE(no_reg.find("[64,30]"), std::string::npos) << no_reg;
  // Rows that fit no stride on this input (50 cells: no square grid of a 128x128 input).
  const auto no_stride =
      arrange_error({cv::Mat::zeros(50, 3, CV_32F), cv::Mat::zeros(50, 32, CV_32F)}, {128, 128}, {"cls", "reg"});
  EXPECT_NE(no_stride.find("fit no stride"), std::string::npos) << no_stride;
  EXPECT_NE(no_stride.find("for a 128x128 input: cls [50,3], reg [50,32]"), std::string::npos) << no_stride;
  EXPECT_EQ(no_stride.find('\n'), std::string::npos) << "one line: " << no_stride;
  // Not a float tensor.
  const auto ints = arrange_error({cv::Mat::zeros(4, 80, CV_8U), cv::Mat::zeros(4, 32, CV_8U)}, {16, 16});
  EXPECT_NE(ints.find("not a float"), std::string::npos) << ints;
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

// Load + forward on a stand-in with the zoo model's input and four levels (416x416: 2704, 676, 169 and
// 36 cells; 80 classes, 32 distance bins); the real file's three levels are tested on the real file.
TEST(NanoDet, StandInModelLoadsAndRuns) {
  const auto dir = test::scratch_dir();
  std::vector<test::TensorSpec> outputs;
  for (int s : {8, 16, 32, 64}) {
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

// The published 2022nov file (three levels) end to end through our decoding: the bus in bus.jpg. Proves
// the levels, strides and anchors line up (a wrong stride moves or scatters the box); not the zoo's
// exact scores.
TEST(NanoDet, RealModelFindsTheBus) {
  const auto model_file = test::shared_models() / "object_detection_nanodet" / "object_detection_nanodet_2022nov.onnx";
  if (!std::filesystem::exists(model_file)) GTEST_SKIP() << "no " << model_file;
  const cv::Mat image = cv::imread((test::shared_data() / "images" / "bus.jpg").string());
  ASSERT_FALSE(image.empty());
  auto built = test::build_model("NanoDet", {model_file}, "{prob_threshold: 0.35, iou_threshold: 0.6}");
  test::run_once(*built.model, image);
  const auto& found = built->result().detections;
  constexpr int kCocoBus = 5;
  const auto bus = std::find_if(found.begin(), found.end(), [](const Detection& d) { return d.class_id == kCocoBus; });
  ASSERT_NE(bus, found.end()) << built->result_summary();
  EXPECT_GT(bus->score, 0.5f);
  // The bus fills most of the frame, and nothing else scores higher.
  EXPECT_GT(bus->box.area(), 0.25 * image.cols * image.rows);
  for (const auto& d : found) EXPECT_LE(d.score, bus->score) << built->result_summary();
  const cv::Point2f centre(bus->box.x + bus->box.width / 2, bus->box.y + bus->box.height / 2);
  EXPECT_TRUE(cv::Rect2f(0, 0, static_cast<float>(image.cols), static_cast<float>(image.rows)).contains(centre));
}

}  // namespace
}  // namespace zoobench
