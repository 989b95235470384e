#include <gtest/gtest.h>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/youtureid.hpp"

namespace zoobench {
namespace {

TEST(YoutuReID, InputIsRgbWithImagenetNormalisation) {
  const cv::Mat bgr(256, 128, CV_8UC3, cv::Scalar(0, 255, 124));
  const cv::Mat blob = youtureid::input_blob(bgr, {128, 256});
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[1], 3);
  EXPECT_EQ(blob.size[2], 256);
  EXPECT_EQ(blob.size[3], 128);
  const float* data = blob.ptr<float>();
  const int plane = 256 * 128;
  EXPECT_NEAR(data[0], (124 / 255.0 - 0.485) / 0.229, 1e-4);  // R
  EXPECT_NEAR(data[plane], (1.0 - 0.456) / 0.224, 1e-4);      // G
  EXPECT_NEAR(data[2 * plane], (0.0 - 0.406) / 0.225, 1e-4);  // B
  // Another size is resized to the network's 128x256.
  EXPECT_EQ(youtureid::input_blob(cv::Mat(100, 60, CV_8UC3, cv::Scalar::all(9)), {128, 256}).size[2], 256);
}

TEST(YoutuReID, FeatureIsTheRawOutputAsOneRow) {
  const int sizes[4] = {1, 768, 1, 1};
  cv::Mat output(4, sizes, CV_32F);
  for (int i = 0; i < 768; ++i) output.ptr<float>()[i] = static_cast<float>(i) * 0.5f;
  const cv::Mat feature = youtureid::feature_of(output);
  ASSERT_EQ(feature.size(), cv::Size(768, 1));
  EXPECT_FLOAT_EQ(feature.at<float>(0, 10), 5.f);  // not L2-normalised, as the zoo's infer()
  EXPECT_THROW(youtureid::feature_of(cv::Mat()), Error);
  EXPECT_THROW(youtureid::feature_of(cv::Mat::zeros(2, 768, CV_32F)), Error);
}

TEST(YoutuReID, StandInModelRunsEndToEnd) {
  const auto dir = test::scratch_dir();
  // Input/output names are stand-ins: the family feeds the first input and reads the only output.
  const auto model = test::make_onnx(dir / "person_reid_youtu_2021nov.onnx", {{"input", {1, 3, 256, 128}}},
                                     {{"output", {1, 768}}});
  auto built = test::build_model("YoutuReID", {model});
  cv::Mat image(256, 128, CV_8UC3);
  cv::randu(image, 0, 255);
  test::run_once(*built.model, image);
  ASSERT_EQ(built->result().feature.size(), cv::Size(768, 1));
  EXPECT_NE(built->result_summary().find("768-d feature"), std::string::npos);
}

}  // namespace
}  // namespace zoobench
