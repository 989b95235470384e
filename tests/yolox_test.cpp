#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/yolox.hpp"

namespace zoobench {
namespace {

TEST(YoloX, DecodesOneBoxOnTheGrid) {
  const cv::Size input(64, 64);  // strides 8/16/32: 64 + 16 + 4 = 84 rows
  const int classes = 3;
  cv::Mat out = cv::Mat::zeros(84, 5 + classes, CV_32F);
  // Row of stride 16, cell (gx=1, gy=2): 64 + 2*4 + 1 = 73.
  float* r = out.ptr<float>(73);
  r[0] = 0.5f;
  r[1] = 0.25f;
  r[2] = std::log(2.f);
  r[3] = 0.f;
  r[4] = 0.9f;         // objectness
  r[5 + 2] = 0.8f;     // class 2
  r[5 + 0] = 0.1f;
  const auto boxes = yolox::decode(out, input, 0.5f, 0.5f);
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes[0].class_id, 2);
  EXPECT_NEAR(boxes[0].score, 0.72f, 1e-6);
  // centre ((1 + 0.5) * 16, (2 + 0.25) * 16) = (24, 36); size (32, 16); ratio 0.5 doubles everything.
  EXPECT_NEAR(boxes[0].box.x, (24 - 16) * 2.f, 1e-4);
  EXPECT_NEAR(boxes[0].box.y, (36 - 8) * 2.f, 1e-4);
  EXPECT_NEAR(boxes[0].box.width, 64.f, 1e-4);
  EXPECT_NEAR(boxes[0].box.height, 32.f, 1e-4);
}

TEST(YoloX, RejectsAnOutputThatDoesNotMatchTheInput) {
  EXPECT_THROW(yolox::decode(cv::Mat::zeros(80, 85, CV_32F), {64, 64}, 1.f, 0.5f), Error);
}

TEST(YoloX, LetterboxKeepsAspectAndPadsWith114) {
  const cv::Mat image(100, 200, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat boxed;
  const float ratio = yolox::letterbox(image, {64, 64}, boxed);
  EXPECT_FLOAT_EQ(ratio, 0.32f);
  ASSERT_EQ(boxed.size(), cv::Size(64, 64));
  EXPECT_EQ(boxed.at<cv::Vec3b>(10, 10), cv::Vec3b(0, 0, 0));       // image
  EXPECT_EQ(boxed.at<cv::Vec3b>(60, 10), cv::Vec3b(114, 114, 114));  // padding below
}

TEST(YoloX, RealNanoModelFindsTheBus) {
  const auto model_file = test::shared_models() / "object_detection_yolox" / "yolox_nano.onnx";
  if (!std::filesystem::exists(model_file)) GTEST_SKIP() << "no " << model_file;
  const cv::Mat image = cv::imread((test::shared_data() / "images" / "bus.jpg").string());
  ASSERT_FALSE(image.empty());
  auto built = test::build_model("YoloX", {model_file}, "{confThreshold: 0.35, nmsThreshold: 0.5}");
  test::run_once(*built.model, image);
  const auto& found = built->result().detections;
  constexpr int kCocoBus = 5;
  const auto bus = std::find_if(found.begin(), found.end(), [](const Detection& d) { return d.class_id == kCocoBus; });
  ASSERT_NE(bus, found.end()) << built->result_summary();
  EXPECT_GT(bus->score, 0.5f);
  // The bus fills most of the frame.
  EXPECT_GT(bus->box.area(), 0.25 * image.cols * image.rows);
  const cv::Point2f centre(bus->box.x + bus->box.width / 2, bus->box.y + bus->box.height / 2);
  EXPECT_TRUE(cv::Rect2f(0, 0, static_cast<float>(image.cols), static_cast<float>(image.rows)).contains(centre));
}

}  // namespace
}  // namespace zoobench
