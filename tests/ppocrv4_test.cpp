#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/ppocrv4.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

TEST(PPOCRv4, DetectorInputFollowsPaddleOcrLimits) {
  EXPECT_EQ(ppocrv4::det_input_size({800, 600}, 960), cv::Size(800, 608));
  // 1280x960 scales by 0.75 to 960x720; 720 / 32 = 22.5 rounds to even: 704.
  EXPECT_EQ(ppocrv4::det_input_size({1280, 960}, 960), cv::Size(960, 704));
  EXPECT_EQ(ppocrv4::det_input_size({20, 10}, 960), cv::Size(32, 32));
}

TEST(PPOCRv4, TextBlobKeepsTheAspectAndPadsWithZeros) {
  const cv::Mat white(10, 20, CV_8UC3, cv::Scalar::all(255));
  const cv::Mat blob = ppocrv4::text_blob(white, {320, 48});
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[2], 48);
  EXPECT_EQ(blob.size[3], 320);
  const float* plane = blob.ptr<float>(0, 2);
  EXPECT_NEAR(plane[95], 1.f, 1e-5);  // 20x10 -> 96x48
  EXPECT_FLOAT_EQ(plane[96], 0.f);
  EXPECT_NEAR(ppocrv4::text_blob(cv::Mat(10, 20, CV_8UC3, cv::Scalar::all(0)), {320, 48}).ptr<float>(0, 0)[0], -1.f,
              1e-5);
  const cv::Mat wide(10, 1000, CV_8UC3, cv::Scalar::all(255));  // squeezed into 320
  EXPECT_NEAR(ppocrv4::text_blob(wide, {320, 48}).ptr<float>(0, 1)[319], 1.f, 1e-5);
}

TEST(PPOCRv4, CropsTheBoxAndTurnsTallOnes) {
  cv::Mat image = cv::Mat::zeros(100, 120, CV_8UC3);
  image(cv::Rect(30, 20, 40, 16)).setTo(cv::Scalar::all(255));
  const cv::Mat crop = ppocrv4::crop_text(image, {{30, 36}, {30, 20}, {70, 20}, {70, 36}});
  EXPECT_EQ(crop.size(), cv::Size(40, 16));
  EXPECT_GT(cv::mean(crop)[0], 200);
  const cv::Mat tall = ppocrv4::crop_text(image, {{10, 60}, {10, 20}, {20, 20}, {20, 60}});
  EXPECT_EQ(tall.size(), cv::Size(40, 10));  // 10 x 40 turned counter-clockwise
}

TEST(PPOCRv4, SortsBoxesByLineThenX) {
  auto box = [](float x, float y) {
    Detection d;
    d.points = {{x, y + 10}, {x, y}, {x + 20, y}, {x + 20, y + 10}};
    return d;
  };
  std::vector<Detection> boxes = {box(100, 50), box(10, 52), box(50, 10)};
  ppocrv4::sort_boxes(boxes);
  EXPECT_EQ(boxes[0].points[1], cv::Point2f(50, 10));
  EXPECT_EQ(boxes[1].points[1], cv::Point2f(10, 52));  // same line as (100, 50): x order
  EXPECT_EQ(boxes[2].points[1], cv::Point2f(100, 50));
}

TEST(PPOCRv4, KeysEndWithTheSpaceClass) {
  const auto dir = test::scratch_dir();
  const auto keys = ppocrv4::read_keys(test::write_file(dir / "keys.txt", "a\r\nb\n\xE4\xB8\xAD"));
  ASSERT_EQ(keys.size(), 4u);
  EXPECT_EQ(keys[2], "\xE4\xB8\xAD");
  EXPECT_EQ(keys[3], " ");
  // Classes: 0 blank, 1..3 keys, 4 space.
  cv::Mat scores(std::vector<int>{1, 6, 5}, CV_32F, cv::Scalar(0));
  const int best[6] = {1, 1, 0, 4, 3, 3};
  for (int t = 0; t < 6; ++t) scores.ptr<float>(0, t)[best[t]] = 1.f;
  EXPECT_EQ(crnn::ctc_decode(scores, keys), "a \xE4\xB8\xAD");
  EXPECT_THROW(ppocrv4::read_keys(dir / "none.txt"), ModelError);
}

struct StandIns {
  fs::path det, rec, cls;
};

StandIns make_stand_ins(const fs::path& dir, int rec_classes) {
  return {test::make_onnx(dir / "ch_PP-OCRv4_det_infer.onnx", {{"x", {1, 3, 64, 64}}},
                          {{"sigmoid_0.tmp_0", {1, 1, 16, 16}}}),
          test::make_onnx(dir / "ch_PP-OCRv4_rec_infer.onnx", {{"x", {1, 3, 48, 320}}},
                          {{"softmax_11.tmp_0", {1, 40, rec_classes}}}),
          test::make_onnx(dir / "ch_ppocr_mobile_v2.0_cls_infer.onnx", {{"x", {1, 3, 48, 192}}},
                          {{"softmax_0.tmp_0", {1, 2}}})};
}

// Load + forward through all three stand-in nets: every threshold at -10 makes the whole map one box.
TEST(PPOCRv4, StandInPipelineLoadsAndRuns) {
  const auto dir = test::scratch_dir();
  const auto nets = make_stand_ins(dir, 5);
  test::write_file(dir / "ppocr_keys_v1.txt", "a\nb\nc\n");
  auto built = test::build_model("PPOCRv4", {nets.det, nets.rec, nets.cls},
                                 "{binaryThreshold: -10, polygonThreshold: -10, maxCandidates: 1000, "
                                 "unclipRatio: 1.5, limitSideLen: 960, recInputWidth: 320, clsThreshold: 0.9}");
  cv::Mat image(100, 200, CV_8UC3);
  cv::randu(image, 0, 255);
  test::run_once(*built.model, image);
  const auto& result = built->result();
  ASSERT_EQ(result.detections.size(), 1u);
  EXPECT_EQ(result.texts.size(), 1u);
  EXPECT_EQ(built->nets().size(), 3u);
  EXPECT_FALSE(built->stage_note().empty());
  EXPECT_NE(built->result_summary().find("1 text lines"), std::string::npos) << built->result_summary();
}

TEST(PPOCRv4, RefusesMissingFilesAndMismatchedKeys) {
  const auto dir = test::scratch_dir();
  const auto nets = make_stand_ins(dir, 5);
  EXPECT_THROW(test::build_model("PPOCRv4", {nets.det, nets.rec, nets.cls}), ModelError);  // no keys file
  test::write_file(dir / "ppocr_keys_v1.txt", "a\nb\n");                                  // 2 + 2 != 5 classes
  try {
    test::build_model("PPOCRv4", {nets.det, nets.rec, nets.cls});
    FAIL() << "expected a class-count mismatch";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Unsupported);
  }
  test::write_file(dir / "keys3.txt", "a\nb\nc\n");
  EXPECT_NO_THROW(test::build_model("PPOCRv4", {nets.det, nets.rec, nets.cls}, "{keys: keys3.txt}"));
  EXPECT_THROW(test::build_model("PPOCRv4", {nets.det, nets.rec}, "{keys: keys3.txt}"), ModelError);  // no cls
}

// The real PP-OCRv4 files read the big "NO PARKING" sign in scenetext05.jpg. OpenCV 4.6 cannot import
// them (the test skips with the importer's reason); CI runs it on 4.10.
TEST(PPOCRv4, RealPipelineReadsParking) {
  const auto folder = test::shared_models() / "text_recognition_ppocrv4";
  const std::vector<fs::path> files = {folder / "ch_PP-OCRv4_det_infer.onnx", folder / "ch_PP-OCRv4_rec_infer.onnx",
                                       folder / "ch_ppocr_mobile_v2.0_cls_infer.onnx"};
  for (const auto& f : files) {
    if (!fs::exists(f)) GTEST_SKIP() << "no " << f;
  }
  const cv::Mat image = cv::imread((test::shared_data() / "images" / "scenetext05.jpg").string());
  ASSERT_FALSE(image.empty());
  test::BuiltModel built;
  try {
    built = test::build_model("PPOCRv4", files,
                              "{binaryThreshold: 0.3, polygonThreshold: 0.6, maxCandidates: 1000, unclipRatio: 1.5, "
                              "limitSideLen: 960, recInputWidth: 320, clsThreshold: 0.9}");
  } catch (const ModelError& e) {
    if (e.kind() != ModelError::Kind::Unsupported) throw;
    GTEST_SKIP() << e.what();
  }
  test::run_once(*built.model, image);
  std::string all;
  for (const auto& text : built->result().texts) all += text + "|";
  std::transform(all.begin(), all.end(), all.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_NE(all.find("parking"), std::string::npos) << built->result_summary();
  EXPECT_EQ(built->result().texts.size(), built->result().detections.size());
}

}  // namespace
}  // namespace zoobench
