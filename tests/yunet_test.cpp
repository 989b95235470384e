#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/yunet.hpp"

namespace zoobench {
namespace {

cv::Mat zeros(int rows, int cols) { return cv::Mat::zeros(rows, cols, CV_32F); }

TEST(YuNet, PaddedSizeRoundsUpToMultiplesOf32) {
  EXPECT_EQ(yunet::padded_size({160, 120}), cv::Size(160, 128));
  EXPECT_EQ(yunet::padded_size({640, 640}), cv::Size(640, 640));
  EXPECT_EQ(yunet::padded_size({33, 1}), cv::Size(64, 32));
}

TEST(YuNet, StridedLayoutDecodesOneFace) {
  const cv::Size padded(64, 32);  // stride 8: 8x4 cells, 16: 4x2, 32: 2x1
  std::vector<cv::Mat> outputs;
  const int cells[3] = {32, 8, 2};
  for (int kind = 0; kind < 4; ++kind) {
    for (int s = 0; s < 3; ++s) outputs.push_back(zeros(cells[s], kind == 2 ? 4 : kind == 3 ? 10 : 1));
  }
  // One confident cell at stride 8, row 1, column 2 (index 1*8+2 = 10).
  const int idx = 10;
  outputs[0].at<float>(idx, 0) = 0.81f;  // cls_8
  outputs[3].at<float>(idx, 0) = 1.0f;   // obj_8
  float* box = outputs[6].ptr<float>(idx);
  box[0] = 0.5f;
  box[1] = 0.5f;
  box[2] = std::log(2.f);
  box[3] = std::log(3.f);
  float* kps = outputs[9].ptr<float>(idx);
  for (int k = 0; k < 5; ++k) {
    kps[2 * k] = 0.1f * static_cast<float>(k);
    kps[2 * k + 1] = 0.2f;
  }
  const auto faces = yunet::decode_strided(outputs, padded, 0.5f);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].score, 0.9f, 1e-5);  // sqrt(0.81 * 1)
  // centre ((2 + 0.5) * 8, (1 + 0.5) * 8) = (20, 12); size (2 * 8, 3 * 8) = (16, 24)
  EXPECT_NEAR(faces[0].box.x, 12.f, 1e-4);
  EXPECT_NEAR(faces[0].box.y, 0.f, 1e-4);
  EXPECT_NEAR(faces[0].box.width, 16.f, 1e-4);
  EXPECT_NEAR(faces[0].box.height, 24.f, 1e-4);
  ASSERT_EQ(faces[0].points.size(), 5u);
  EXPECT_NEAR(faces[0].points[3].x, (0.3f + 2.f) * 8.f, 1e-4);
  EXPECT_NEAR(faces[0].points[3].y, (0.2f + 1.f) * 8.f, 1e-4);
}

TEST(YuNet, StridedLayoutRejectsMismatchedShapes) {
  std::vector<cv::Mat> outputs(12, zeros(3, 1));
  EXPECT_THROW(yunet::decode_strided(outputs, {64, 32}, 0.5f), Error);
  EXPECT_THROW(yunet::decode_strided({}, {64, 32}, 0.5f), Error);
}

TEST(YuNet, PriorsFollowTheFeatureMapPyramid) {
  const auto priors = yunet::generate_priors({160, 120}, {{10, 16, 24}, {32, 48}, {64, 96}, {128, 192, 256}},
                                             {8, 16, 32, 64});
  // maps 20x15 (x3), 10x7 (x2), 5x3 (x2), 2x1 (x3)
  EXPECT_EQ(priors.size(), 20u * 15 * 3 + 10 * 7 * 2 + 5 * 3 * 2 + 2 * 1 * 3);
  EXPECT_NEAR(priors[0].x, 0.5f * 8 / 160, 1e-6);
  EXPECT_NEAR(priors[0].y, 0.5f * 8 / 120, 1e-6);
  EXPECT_NEAR(priors[0].width, 10.f / 160, 1e-6);
  EXPECT_NEAR(priors[2].height, 24.f / 120, 1e-6);
}

TEST(YuNet, PriorLayoutDecodesOneFace) {
  const cv::Size input(160, 120);
  const std::vector<cv::Rect2f> priors = {{0.5f, 0.5f, 0.1f, 0.2f}};
  cv::Mat loc = zeros(1, 14), conf = zeros(1, 2), iou = zeros(1, 1);
  loc.at<float>(0, 0) = 1.f;  // cx shifted by 1 * 0.1 * prior width
  loc.at<float>(0, 3) = 5.f * std::log(2.f);  // h = prior h * exp(5 ln2 * 0.2) = 2 * prior h
  conf.at<float>(0, 1) = 0.64f;
  iou.at<float>(0, 0) = 1.5f;  // clamped to 1
  const auto faces = yunet::decode_priors(loc, conf, iou, priors, input, 0.5f);
  ASSERT_EQ(faces.size(), 1u);
  EXPECT_NEAR(faces[0].score, 0.8f, 1e-5);
  const float cx = (0.5f + 0.1f * 0.1f) * 160, cy = 0.5f * 120, w = 0.1f * 160, h = 0.4f * 120;
  EXPECT_NEAR(faces[0].box.x, cx - w / 2, 1e-3);
  EXPECT_NEAR(faces[0].box.y, cy - h / 2, 1e-3);
  EXPECT_NEAR(faces[0].box.width, w, 1e-3);
  EXPECT_NEAR(faces[0].box.height, h, 1e-3);
  EXPECT_TRUE(yunet::decode_priors(loc, conf, iou, priors, input, 0.9f).empty());
}

double iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const double inter = (a & b).area();
  return inter / (a.area() + b.area() - inter);
}

// The real 2023mar model (and 2022mar) on a real face, end to end through our own decoding.
TEST(YuNet, RealModelFindsLenasFace) {
  const auto model_file = test::shared_models() / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx";
  if (!std::filesystem::exists(model_file)) GTEST_SKIP() << "no " << model_file;
  const cv::Mat image = cv::imread((test::shared_data() / "images" / "lena.jpg").string());
  ASSERT_FALSE(image.empty());
  auto built = test::build_model("YuNet", {model_file}, "{confThreshold: 0.6, nmsThreshold: 0.3, topK: 5000}");
  built->set_input_size(image.size());
  test::run_once(*built.model, image);
  const auto& faces = built->result().detections;
  ASSERT_EQ(faces.size(), 1u) << built->result_summary();
  // Lena's face is roughly x 210..370, y 190..390 in the 512x512 image.
  const cv::Rect2f& box = faces[0].box;
  EXPECT_GT(faces[0].score, 0.85f);
  EXPECT_NEAR(box.x + box.width / 2, 290, 30);
  EXPECT_NEAR(box.y + box.height / 2, 290, 40);
  EXPECT_GT(box.width, 100);
  EXPECT_LT(box.width, 220);
  // Eyes above the nose, nose above the mouth corners.
  ASSERT_EQ(faces[0].points.size(), 5u);
  EXPECT_LT(faces[0].points[0].y, faces[0].points[2].y);
  EXPECT_LT(faces[0].points[2].y, faces[0].points[3].y);
}

// Cross-check against OpenCV's own FaceDetectorYN on the same image. OpenCV before 4.8 decodes only the
// 2022mar layout, later versions only the 2023mar one.
TEST(YuNet, MatchesCvFaceDetectorYN) {
  const bool new_layout = CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR >= 8);
  const auto model_file = test::shared_models() / "face_detection_yunet" /
                          (new_layout ? "face_detection_yunet_2023mar.onnx" : "face_detection_yunet_2022mar.onnx");
  if (!std::filesystem::exists(model_file)) GTEST_SKIP() << "no " << model_file;
  for (const char* name : {"lena.jpg", "messi5.jpg", "face_227943776_1.jpg"}) {
    cv::Mat image = cv::imread((test::shared_data() / "images" / name).string());
    ASSERT_FALSE(image.empty()) << name;
    // The 2022mar model has a fixed input; the reference needs the image at the input size.
    if (!new_layout) cv::resize(image, image, {160, 120});
    auto reference = cv::FaceDetectorYN::create(model_file.string(), "", image.size(), 0.6f, 0.3f, 5000);
    cv::Mat expected;
    reference->detect(image, expected);

    auto built = test::build_model("YuNet", {model_file}, "{confThreshold: 0.6, nmsThreshold: 0.3, topK: 5000}");
    built->set_input_size(image.size());
    test::run_once(*built.model, image);
    const auto& faces = built->result().detections;
    ASSERT_EQ(static_cast<int>(faces.size()), expected.rows) << name;
    for (int i = 0; i < expected.rows; ++i) {
      const cv::Rect2f ref(expected.at<float>(i, 0), expected.at<float>(i, 1), expected.at<float>(i, 2),
                           expected.at<float>(i, 3));
      double best = 0;
      for (const auto& face : faces) best = std::max(best, iou(face.box, ref));
      EXPECT_GT(best, 0.95) << name << " face " << i;
    }
  }
}

// The zoo's int8 file finds the faces the fp32 file finds (IoU >= 0.5 each, no extra face), on the
// face images we have, at their own sizes. Proves int8 runs on this OpenCV and agrees on real faces;
// it says nothing about speed or about faces neither file finds.
TEST(YuNet, Int8FindsTheFacesFp32Finds) {
  const auto dir = test::shared_models() / "face_detection_yunet";
  const auto fp32 = dir / "face_detection_yunet_2023mar.onnx";
  const auto int8 = dir / "face_detection_yunet_2023mar_int8.onnx";
  if (!std::filesystem::exists(fp32) || !std::filesystem::exists(int8)) GTEST_SKIP() << "no " << fp32 << " / " << int8;
  const std::string params = "{confThreshold: 0.6, nmsThreshold: 0.3, topK: 5000}";
  int faces_seen = 0;
  for (const char* name : {"lena.jpg", "messi5.jpg", "face_227943776_1.jpg", "face_230501201_1.jpg"}) {
    const cv::Mat image = cv::imread((test::shared_data() / "images" / name).string());
    ASSERT_FALSE(image.empty()) << name;
    std::vector<Detection> found[2];
    int i = 0;
    for (const auto& file : {fp32, int8}) {
      auto built = test::build_model("YuNet", {file}, params);
      built->set_input_size(image.size());
      test::run_once(*built.model, image);
      found[i++] = built->result().detections;
    }
    EXPECT_EQ(found[1].size(), found[0].size()) << name;
    for (const auto& face : found[0]) {
      double best = 0;
      for (const auto& other : found[1]) best = std::max(best, iou(face.box, other.box));
      EXPECT_GE(best, 0.5) << name;
      ++faces_seen;
    }
  }
  EXPECT_GE(faces_seen, 3);  // lena, messi and the face images: the comparison is not vacuous
}

}  // namespace
}  // namespace zoobench
