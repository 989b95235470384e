#include <gtest/gtest.h>

#include "test_support.hpp"
#include "zoobench/models/classification.hpp"

namespace zoobench {
namespace {

TEST(Classification, TopKIsOrderedBestFirst) {
  const cv::Mat scores = (cv::Mat_<float>(1, 6) << 0.1f, 0.7f, 0.05f, 0.9f, 0.7f, 0.2f);
  const auto best = classification::top_k(scores, 3);
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0].class_id, 3);
  EXPECT_EQ(best[1].class_id, 1);  // tie with 4: lower index first
  EXPECT_EQ(best[2].class_id, 4);
  EXPECT_EQ(classification::top_k(scores, 100).size(), 6u);
}

TEST(Classification, ImagenetNormalisationPerChannel) {
  const cv::Mat rgb(4, 4, CV_8UC3, cv::Scalar(255, 0, 124));
  const cv::Mat blob = classification::imagenet_blob(rgb, {2, 2});
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[1], 3);
  EXPECT_EQ(blob.size[2], 2);
  const float* data = blob.ptr<float>();
  EXPECT_NEAR(data[0], (1.0 - 0.485) / 0.229, 1e-4);          // R plane
  EXPECT_NEAR(data[4], (0.0 - 0.456) / 0.224, 1e-4);          // G plane
  EXPECT_NEAR(data[8], (124 / 255.0 - 0.406) / 0.225, 1e-4);  // B plane
}

// MobileNet/PP-ResNet weights are not available here: a generated stand-in with the same input and
// output shapes exercises the real load + forward + top-K path.
TEST(Classification, StandInModelRunsEndToEnd) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "image_classification_mobilenetv1_2022apr.onnx",
                                     {{"input", {1, 3, 224, 224}}}, {{"output", {1, 1000}}});
  for (const char* family : {"MobileNet", "PPResNet"}) {
    auto built = test::build_model(family, {model}, "{topK: 5}");
    const cv::Mat rgb(224, 224, CV_8UC3, cv::Scalar(10, 200, 30));
    test::run_once(*built.model, rgb);
    const auto& classes = built->result().classes;
    ASSERT_EQ(classes.size(), 5u);
    EXPECT_GE(classes[0].score, classes[4].score);
    EXPECT_LT(classes[0].class_id, 1000);
  }
}

}  // namespace
}  // namespace zoobench
