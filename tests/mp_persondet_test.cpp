#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/mp_persondet.hpp"

namespace zoobench {
namespace {

std::vector<cv::Mat> person_outputs(float background_logit) {
  const int regressor_shape[] = {1, 2254, 12};
  const int score_shape[] = {1, 2254, 1};
  return {cv::Mat(3, regressor_shape, CV_32F, cv::Scalar(0)),
          cv::Mat(3, score_shape, CV_32F, cv::Scalar(background_logit))};
}

// Anchor 2062 = stride-32 cell (x 3, y 2): centre (3.5/7, 2.5/7) = (0.5, 0.357143). The image is
// 224x448 (w x h) letterboxed into 224x224: ratio 0.5, 56 px on the left = pad_bias x 112, scale 448.
TEST(MPPersonDet, DecodesOneAnchorWithKnownDeltas) {
  const auto anchors = mediapipe::generate_anchors(mp_persondet::anchor_options({224, 224}));
  auto outputs = person_outputs(-20.f);
  const int index = 1960 + (2 * 7 + 3) * 6;
  ASSERT_EQ(index, 2062);
  outputs[1].ptr<float>()[index] = 150.f;  // clipped to 100 before the sigmoid: score 1
  float* r = outputs[0].ptr<float>() + index * 12;
  r[0] = 0;     // cx: 0.5 * 448 - 112 = 112
  r[1] = 16;    // cy: (16/224 + 2.5/7) * 448 = 192
  r[2] = 56;    // w: 0.25 * 448 = 112
  r[3] = 112;   // h: 0.5 * 448 = 224
  r[4] = 0;     // hip centre: (112, (32/224 + 2.5/7) * 448) = (112, 224)
  r[5] = 32;
  r[6] = 0;     // full-body point: (112, (-64/224 + 2.5/7) * 448) = (112, 32)
  r[7] = -64;
  const auto found = mp_persondet::decode(outputs, anchors, {224, 224}, {224, 448}, {112, 0}, 0.5f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FLOAT_EQ(found[0].score, 1.f);
  EXPECT_NEAR(found[0].box.x, 56, 1e-3);
  EXPECT_NEAR(found[0].box.y, 80, 1e-3);
  EXPECT_NEAR(found[0].box.width, 112, 1e-3);
  EXPECT_NEAR(found[0].box.height, 224, 1e-3);
  ASSERT_EQ(found[0].points.size(), 4u);
  EXPECT_NEAR(found[0].points[0].x, 112, 1e-3);
  EXPECT_NEAR(found[0].points[0].y, 224, 1e-3);
  EXPECT_NEAR(found[0].points[1].x, 112, 1e-3);
  EXPECT_NEAR(found[0].points[1].y, 32, 1e-3);
  // Keypoints 2 and 3 have zero deltas: on the anchor, (0.5 * 448 - 112, 0.357143 * 448) = (112, 160).
  EXPECT_NEAR(found[0].points[3].x, 112, 1e-3);
  EXPECT_NEAR(found[0].points[3].y, 160, 1e-3);
}

TEST(MPPersonDet, RejectsPalmShapedOutputs) {
  const auto anchors = mediapipe::generate_anchors(mp_persondet::anchor_options({224, 224}));
  const int shape[] = {1, 2016, 18};
  const int score_shape[] = {1, 2016, 1};
  const std::vector<cv::Mat> outputs = {cv::Mat(3, shape, CV_32F, cv::Scalar(0)),
                                        cv::Mat(3, score_shape, CV_32F, cv::Scalar(0))};
  EXPECT_THROW(mp_persondet::decode(outputs, anchors, {224, 224}, {224, 224}, {0, 0}, 0.5f), Error);
}

// The zoo's converted person detector takes NCHW [1,3,224,224]; an NHWC export works too (the
// layout is read from the model's declared input).
TEST(MPPersonDet, StandInModelsRunEndToEnd) {
  const auto dir = test::scratch_dir();
  const std::vector<test::TensorSpec> outputs = {{"Identity", {1, 2254, 12}}, {"Identity_1", {1, 2254, 1}}};
  const auto nchw = test::make_onnx(dir / "person_detection_mediapipe_2023mar.onnx", {{"input", {1, 3, 224, 224}}}, outputs);
  const auto nhwc = test::make_onnx(dir / "person_nhwc.onnx", {{"input", {1, 224, 224, 3}}}, outputs);
  for (const auto& model : {nchw, nhwc}) {
    auto built = test::build_model("MPPersonDet", {model}, "{scoreThreshold: 0.0, nmsThreshold: 0.3, topK: 1}");
    EXPECT_TRUE(built.params->unused_keys().empty());
    for (const cv::Size size : {cv::Size(224, 224), cv::Size(300, 500)}) {
      test::run_once(*built.model, cv::Mat(size, CV_8UC3, cv::Scalar(90, 60, 30)));
      const auto& found = built->result().detections;
      ASSERT_EQ(found.size(), 1u) << model << ": " << built->result_summary();
      EXPECT_EQ(found[0].points.size(), 4u);
    }
  }
}

}  // namespace
}  // namespace zoobench
