#include <gtest/gtest.h>

#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/models/ppocr_det.hpp"

namespace zoobench {
namespace {

void expect_point(const cv::Point2f& p, float x, float y, const char* what) {
  EXPECT_NEAR(p.x, x, 1e-3) << what;
  EXPECT_NEAR(p.y, y, 1e-3) << what;
}

TEST(PPOCRDet, UnclipGrowsEverySideByAreaTimesRatioOverPerimeter) {
  const cv::RotatedRect grown = ppocr_det::unclip({{50, 40}, {30, 10}, 15}, 1.5f);
  // d = 30 * 10 * 1.5 / 80 = 5.625
  EXPECT_NEAR(grown.size.width, 41.25f, 1e-4);
  EXPECT_NEAR(grown.size.height, 21.25f, 1e-4);
  EXPECT_FLOAT_EQ(grown.angle, 15.f);
  EXPECT_EQ(grown.center, cv::Point2f(50, 40));
}

TEST(PPOCRDet, QuadRunsAlongTheLongSide) {
  // A 10 wide, 40 tall rectangle: its text direction is vertical; bl, tl, tr, br keep that.
  const auto quad = ppocr_det::text_quad({{50, 50}, {10, 40}, 0});
  ASSERT_EQ(quad.size(), 4u);
  EXPECT_NEAR(cv::norm(quad[2] - quad[1]), 40.0, 1e-4);  // tl -> tr: the text line
  EXPECT_NEAR(cv::norm(quad[0] - quad[1]), 10.0, 1e-4);  // tl -> bl: its height
  // A horizontal one keeps the image orientation.
  const auto flat = ppocr_det::text_quad({{50, 50}, {40, 10}, 0});
  expect_point(flat[0], 30, 55, "bl");
  expect_point(flat[1], 30, 45, "tl");
  expect_point(flat[2], 70, 45, "tr");
  expect_point(flat[3], 70, 55, "br");
}

TEST(PPOCRDet, DecodesOneRegionToAnUnclippedQuad) {
  // A 40x60 map scaled to a 120x80 image (factor 2). The text block covers rows 10..19, columns
  // 10..39: its contour runs over the pixel centres (10,10)-(39,19), i.e. (20,20)-(78,38) scaled:
  // a 58 x 18 rectangle centred on (49, 29).
  cv::Mat map = cv::Mat::zeros(40, 60, CV_32F);
  map(cv::Rect(10, 10, 30, 10)).setTo(0.9f);
  map(cv::Rect(45, 30, 10, 6)).setTo(0.4f);  // above binaryThreshold, below polygonThreshold
  map(cv::Rect(50, 5, 2, 2)).setTo(0.95f);   // too small
  ppocr_det::DbParams params;               // 0.3 / 0.5 / 200 / 2.0
  const auto regions = ppocr_det::decode(map, {120, 80}, params);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_NEAR(regions[0].score, 0.9f, 1e-5);
  // d = 58 * 18 * 2 / (2 * 76) = 13.7368...; the quad is 85.47 x 45.47 around (49, 29).
  const float d = 58.f * 18.f * 2.f / 152.f;
  const float hx = 29.f + d, hy = 9.f + d;
  ASSERT_EQ(regions[0].points.size(), 4u);
  expect_point(regions[0].points[0], 49 - hx, 29 + hy, "bl");
  expect_point(regions[0].points[1], 49 - hx, 29 - hy, "tl");
  expect_point(regions[0].points[2], 49 + hx, 29 - hy, "tr");
  expect_point(regions[0].points[3], 49 + hx, 29 + hy, "br");
  EXPECT_NEAR(regions[0].box.width, 2 * hx, 1e-3);

  params.polygon_threshold = 0.3f;  // now the faint block counts too
  EXPECT_EQ(ppocr_det::decode(map, {120, 80}, params).size(), 2u);
  params.max_candidates = 1;
  EXPECT_LE(ppocr_det::decode(map, {120, 80}, params).size(), 1u);
}

TEST(PPOCRDet, RejectsAMapThatIsNotOne) {
  EXPECT_THROW(ppocr_det::probability_map(cv::Mat(std::vector<int>{1, 2, 8, 8}, CV_32F)), Error);
  EXPECT_THROW(ppocr_det::decode(cv::Mat(), {10, 10}, {}), Error);
  const cv::Mat four_d(std::vector<int>{1, 1, 8, 6}, CV_32F, cv::Scalar(0));
  EXPECT_EQ(ppocr_det::probability_map(four_d).size(), cv::Size(6, 8));
}

TEST(PPOCRDet, BlobNormalisesEachChannelAsTheZoo) {
  const cv::Mat image(4, 4, CV_8UC3, cv::Scalar(200, 100, 50));
  const cv::Mat blob = ppocr_det::make_blob(image, {8, 8});
  ASSERT_EQ(blob.size[2], 8);
  EXPECT_NEAR(blob.ptr<float>(0, 0)[0], (200 - 123.675) / (255 * 0.229), 1e-4);
  EXPECT_NEAR(blob.ptr<float>(0, 1)[0], (100 - 116.28) / (255 * 0.224), 1e-4);
  EXPECT_NEAR(blob.ptr<float>(0, 2)[0], (50 - 103.53) / (255 * 0.225), 1e-4);
}

// Load + forward on a stand-in with the zoo model's input `x` and its [H, W] probability output.
TEST(PPOCRDet, StandInModelLoadsAndRuns) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "text_detection_en_ppocrv3_2023may.onnx", {{"x", {1, 3, 64, 64}}},
                                     {{"4", {64, 64}}});
  auto built = test::build_model("PPOCRDet", {model},
                                 "{binaryThreshold: 0.0, polygonThreshold: 0.0, maxCandidates: 200, unclipRatio: 2.0}");
  built->set_input_size({64, 64});
  cv::Mat image(96, 128, CV_8UC3);
  cv::randu(image, 0, 255);
  test::run_once(*built.model, image);
  for (const auto& region : built->result().detections) EXPECT_EQ(region.points.size(), 4u);
  EXPECT_NE(built->result_summary().find("text regions"), std::string::npos);
}

#if CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR >= 8)
double quad_iou(const std::vector<cv::Point2f>& a, const std::vector<cv::Point2f>& b) {
  std::vector<cv::Point2f> inter;
  const double overlap = cv::intersectConvexConvex(a, b, inter, true);
  const double uni = cv::contourArea(a) + cv::contourArea(b) - overlap;
  return uni > 0 ? overlap / uni : 0;
}
#endif

// Our DB post-processing against OpenCV's TextDetectionModel_DB (what the zoo runs) on the same real
// image and model. OpenCV 4.6 cannot import PP-OCRv3; CI runs this on 4.10.
TEST(PPOCRDet, MatchesTextDetectionModelDbOnARealImage) {
  const auto model_file = test::shared_models() / "text_detection_ppocr" / "text_detection_en_ppocrv3_2023may.onnx";
  if (!std::filesystem::exists(model_file)) GTEST_SKIP() << "no " << model_file;
  const cv::Mat image = cv::imread((test::shared_data() / "images" / "scenetext01.jpg").string());
  ASSERT_FALSE(image.empty());
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNet(model_file.string());
  } catch (const cv::Exception& e) {
    GTEST_SKIP() << unsupported_import_message(model_file, short_cv_message(e));
  }
#if CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR >= 8)
  const cv::Size input(640, 480);
  cv::dnn::TextDetectionModel_DB reference(net);
  reference.setBinaryThreshold(0.3f).setPolygonThreshold(0.5f).setMaxCandidates(200).setUnclipRatio(2.0);
  reference.setInputSize(input);
  reference.setInputMean(cv::Scalar(123.675, 116.28, 103.53));
  reference.setInputScale(cv::Scalar(1.0 / (255 * 0.229), 1.0 / (255 * 0.224), 1.0 / (255 * 0.225)));
  std::vector<std::vector<cv::Point>> expected;
  reference.detect(image, expected);

  auto built = test::build_model("PPOCRDet", {model_file},
                                 "{binaryThreshold: 0.3, polygonThreshold: 0.5, maxCandidates: 200, unclipRatio: 2.0}");
  built->set_input_size(input);
  test::run_once(*built.model, image);
  const auto& regions = built->result().detections;
  EXPECT_GE(regions.size(), 4u) << "NOTICE / DOUBLE / PARKING / PROHIBITED / AT ALL TIMES";
  EXPECT_LE(std::abs(static_cast<int>(regions.size()) - static_cast<int>(expected.size())), 1)
      << "ours " << regions.size() << ", TextDetectionModel_DB " << expected.size();
  int matched = 0;
  for (const auto& quad : expected) {
    const std::vector<cv::Point2f> ref(quad.begin(), quad.end());
    double best = 0;
    for (const auto& region : regions) best = std::max(best, quad_iou(ref, region.points));
    if (best > 0.8) ++matched;
  }
  EXPECT_GE(matched, static_cast<int>(expected.size()) - 1) << "of " << expected.size() << " reference quads";
  // The sign's text sits in its upper middle (x 260..440, y 20..260 of 800x600).
  for (const auto& region : regions) {
    if (region.box.y + region.box.height < 270 && region.box.x > 250) return;
  }
  ADD_FAILURE() << "no text region on the sign";
#else
  GTEST_SKIP() << "TextDetectionModel per-channel input scale needs OpenCV >= 4.8; this is " CV_VERSION;
#endif
}

}  // namespace
}  // namespace zoobench
