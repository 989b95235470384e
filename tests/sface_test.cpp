#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/face_align.hpp"
#include "zoobench/models/facial_expression.hpp"
#include "zoobench/models/sface.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

// A YuNet-style face row [x, y, w, h, 5 landmark x,y pairs, score] with the given landmarks.
cv::Mat face_row(const std::vector<cv::Point2d>& landmarks, cv::Rect2f box = {0, 0, 10, 10}, float score = 0.9f) {
  cv::Mat row(1, 15, CV_32F);
  row.at<float>(0, 0) = box.x;
  row.at<float>(0, 1) = box.y;
  row.at<float>(0, 2) = box.width;
  row.at<float>(0, 3) = box.height;
  for (int i = 0; i < 5; ++i) {
    row.at<float>(0, 4 + 2 * i) = static_cast<float>(landmarks[static_cast<std::size_t>(i)].x);
    row.at<float>(0, 5 + 2 * i) = static_cast<float>(landmarks[static_cast<std::size_t>(i)].y);
  }
  row.at<float>(0, 14) = score;
  return row;
}

cv::Point2d apply(const cv::Mat& m, cv::Point2d p) {
  return {m.at<double>(0, 0) * p.x + m.at<double>(0, 1) * p.y + m.at<double>(0, 2),
          m.at<double>(1, 0) * p.x + m.at<double>(1, 1) * p.y + m.at<double>(1, 2)};
}

// Template points moved by a known similarity (scale 2.5, 15 degrees, shift (140, 90)): where a face's
// landmarks would be in an image, and the transform the alignment must undo.
struct KnownFace {
  cv::Mat crop_to_image;
  std::vector<cv::Point2d> landmarks;
};

KnownFace known_face(double scale = 2.5, double degrees = 15, cv::Point2d shift = {140, 90}) {
  const double r = degrees * CV_PI / 180;
  const double a = scale * std::cos(r), b = scale * std::sin(r);
  KnownFace face;
  face.crop_to_image = (cv::Mat_<double>(2, 3) << a, -b, shift.x, b, a, shift.y);
  for (const auto& p : face_align::arcface_template()) face.landmarks.push_back(apply(face.crop_to_image, p));
  return face;
}

// A smooth, textured test image (bilinear sampling differences stay small on it).
cv::Mat smooth_image() {
  cv::Mat image(360, 420, CV_8UC3);
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      image.at<cv::Vec3b>(y, x) = {static_cast<uchar>(128 + 100 * std::sin(x * 0.05)),
                                   static_cast<uchar>(128 + 100 * std::cos(y * 0.04)),
                                   static_cast<uchar>(128 + 100 * std::sin((x + 2 * y) * 0.03))};
    }
  }
  return image;
}

TEST(FaceAlign, SimilarityTransformRecoversAKnownTransform) {
  const KnownFace face = known_face();
  const cv::Mat fitted = face_align::similarity_transform(face_align::arcface_template(), face.landmarks);
  EXPECT_LT(cv::norm(fitted, face.crop_to_image, cv::NORM_INF), 1e-9);
}

TEST(FaceAlign, SFaceAndFerPutExactLandmarksOnTheTemplate) {
  const KnownFace face = known_face(1.7, -25, {60, 200});
  const cv::Mat row = face_row(face.landmarks);
  for (const cv::Mat& m : {sface::alignment_transform(row), fer::alignment_transform(row)}) {
    for (std::size_t i = 0; i < 5; ++i) {
      const cv::Point2d mapped = apply(m, face.landmarks[i]);
      EXPECT_NEAR(mapped.x, face_align::arcface_template()[i].x, 1e-3) << i;  // float landmarks in the row
      EXPECT_NEAR(mapped.y, face_align::arcface_template()[i].y, 1e-3) << i;
    }
  }
}

TEST(FaceAlign, NoisyLandmarksGiveTheLeastSquaresFit) {
  // Perturbed landmarks: the fit must beat any nearby similarity (a local minimum of the squared error).
  KnownFace face = known_face();
  const double noise[5][2] = {{2, -1}, {-1.5, 2}, {0.5, 3}, {-2, -2}, {1, 1.5}};
  for (int i = 0; i < 5; ++i) face.landmarks[static_cast<std::size_t>(i)] += cv::Point2d(noise[i][0], noise[i][1]);
  const auto& tpl = face_align::arcface_template();
  auto error = [&](const cv::Mat& m) {
    double e = 0;
    for (std::size_t i = 0; i < 5; ++i) {
      const cv::Point2d d = apply(m, face.landmarks[i]) - tpl[i];
      e += d.dot(d);
    }
    return e;
  };
  const cv::Mat best = face_align::similarity_transform(face.landmarks, tpl);
  EXPECT_NEAR(best.at<double>(0, 0), best.at<double>(1, 1), 1e-12);  // no shear, no reflection
  EXPECT_NEAR(best.at<double>(0, 1), -best.at<double>(1, 0), 1e-12);
  const double e0 = error(best);
  const double params[4] = {best.at<double>(0, 0), best.at<double>(1, 0), best.at<double>(0, 2), best.at<double>(1, 2)};
  for (int k = 0; k < 4; ++k) {
    for (double step : {-1e-3, 1e-3}) {
      double p[4] = {params[0], params[1], params[2], params[3]};
      p[k] += step;
      const cv::Mat nudged = (cv::Mat_<double>(2, 3) << p[0], -p[1], p[2], p[1], p[0], p[3]);
      EXPECT_GT(error(nudged), e0) << "parameter " << k << " step " << step;
    }
  }
}

TEST(FaceAlign, BadRowsAndDegenerateLandmarksAreErrors) {
  EXPECT_THROW(face_align::landmarks_of(cv::Mat::zeros(1, 13, CV_32F)), Error);
  EXPECT_THROW(face_align::landmarks_of(cv::Mat::zeros(2, 15, CV_32F)), Error);
  const std::vector<cv::Point2d> same(5, {10, 10});
  EXPECT_THROW(sface::alignment_transform(face_row(same)), Error);
  EXPECT_THROW(face_align::similarity_transform(same, face_align::arcface_template()), Error);
}

fs::path sface_stand_in(const fs::path& dir) {
  return test::make_onnx(dir / "face_recognition_sface_2021dec.onnx", {{"data", {1, 3, 112, 112}}},
                         {{"fc1", {1, 128}}});
}

// Our alignCrop + feature against cv::FaceRecognizerSF's on the same stand-in net: same input, same net.
TEST(SFace, MatchesCvFaceRecognizerSF) {
  const auto model = sface_stand_in(test::scratch_dir());
  auto reference = cv::FaceRecognizerSF::create(model.string(), "");
  auto built = test::build_model("SFace", {model});
  const cv::Mat image = smooth_image();

  KnownFace face = known_face(2.2, 12, {150, 110});
  face.landmarks[0] += cv::Point2d(1.5, -2);  // off-template: alignment is a real fit
  face.landmarks[4] += cv::Point2d(-2, 1);
  const cv::Mat row = face_row(face.landmarks, {120, 80, 180, 200});

  cv::Mat expected_crop;
  reference->alignCrop(image, row, expected_crop);
  const cv::Mat crop = sface::align_crop(image, row);
  ASSERT_EQ(crop.size(), cv::Size(112, 112));
  ASSERT_EQ(crop.type(), expected_crop.type());
  // OpenCV fits in float with a rounded template mean; bilinear rounding then moves a few values by 1
  // (measured: 10 of 37632).
  EXPECT_LE(cv::norm(crop, expected_crop, cv::NORM_INF), 1.0);
  EXPECT_LT(cv::norm(crop, expected_crop, cv::NORM_L1) / static_cast<double>(crop.total() * 3), 0.01);

  cv::Mat expected_feature;
  reference->feature(expected_crop, expected_feature);
  test::run_once(*built.model, image, row);
  const cv::Mat& feature = built->result().feature;
  ASSERT_EQ(feature.size(), cv::Size(128, 1));
  EXPECT_LT(cv::norm(feature, expected_feature.reshape(1, 1)) / cv::norm(expected_feature), 1e-4);  // measured ~1e-6
  EXPECT_NE(built->result_summary().find("128-d feature"), std::string::npos);
}

TEST(SFace, WithoutALabelRowTheWholeImageIsTheFace) {
  const auto model = sface_stand_in(test::scratch_dir());
  auto reference = cv::FaceRecognizerSF::create(model.string(), "");
  auto built = test::build_model("SFace", {model});
  const cv::Mat image = smooth_image();
  cv::Mat expected;
  reference->feature(image, expected);  // feature() resizes an unaligned image to 112x112 itself
  test::run_once(*built.model, image);
  EXPECT_LT(cv::norm(built->result().feature, expected.reshape(1, 1)) / cv::norm(expected), 1e-5);
}

TEST(SFace, RejectsAShortLabelRowAndABadDisType) {
  const auto model = sface_stand_in(test::scratch_dir());
  auto built = test::build_model("SFace", {model});
  EXPECT_THROW(built->preprocess(smooth_image(), cv::Mat::zeros(1, 4, CV_32F)), Error);
  EXPECT_THROW(test::build_model("SFace", {model}, "{disType: 2}"), Error);
}

// A real face: YuNet (real weights) finds Lena's face; its row, aligned by SFace's and FER's warps, must
// give an eye-level, face-sized 112x112 crop, which YuNet itself again sees as a face on the template.
TEST(FaceAlign, RealYuNetFaceAlignsOntoTheTemplate) {
  const auto yunet_file = test::shared_models() / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx";
  if (!fs::exists(yunet_file)) GTEST_SKIP() << "no " << yunet_file;
  const cv::Mat image = cv::imread((test::shared_data() / "images" / "lena.jpg").string());
  ASSERT_FALSE(image.empty());
  auto yunet = test::build_model("YuNet", {yunet_file}, "{confThreshold: 0.6, nmsThreshold: 0.3, topK: 5000}");
  yunet->set_input_size(image.size());
  test::run_once(*yunet.model, image);
  ASSERT_EQ(yunet->result().detections.size(), 1u) << yunet->result_summary();
  const Detection& face = yunet->result().detections[0];
  std::vector<cv::Point2d> landmarks(face.points.begin(), face.points.end());
  const cv::Mat row = face_row(landmarks, face.box, face.score);
  const auto& tpl = face_align::arcface_template();

  for (const cv::Mat& m : {sface::alignment_transform(row), fer::alignment_transform(row)}) {
    // Every landmark lands near its template point; the eyes are level. Lena's head is turned a little,
    // so her nose sits ~7 px and a mouth corner ~4.5 px off the frontal template (measured: eyes 0.9-3.1).
    const double limits[5] = {4, 4, 9, 6, 6};
    for (std::size_t i = 0; i < 5; ++i) {
      const cv::Point2d p = apply(m, landmarks[i]);
      EXPECT_LT(cv::norm(p - tpl[i]), limits[i]) << "landmark " << i << " at " << p;
    }
    const cv::Point2d right_eye = apply(m, landmarks[0]), left_eye = apply(m, landmarks[1]);
    EXPECT_LT(std::abs(right_eye.y - left_eye.y), 3.0);
    // The detected face box fills the crop: its centre near the crop's, its width about the crop's.
    const double scale = std::hypot(m.at<double>(0, 0), m.at<double>(1, 0));
    // (measured: width ~85 px, centre ~(44, 59.5): the turned head shifts the box off the landmarks)
    EXPECT_GT(scale * face.box.width, 70.0);
    EXPECT_LT(scale * face.box.width, 112.0);
    const cv::Point2d centre = apply(m, {face.box.x + face.box.width / 2, face.box.y + face.box.height / 2});
    EXPECT_NEAR(centre.x, 56, 16);
    EXPECT_NEAR(centre.y, 56, 10);
  }

  // YuNet on the aligned crop itself finds one face whose eyes sit on the template's.
  const cv::Mat crop = sface::align_crop(image, row);
  yunet->set_input_size(crop.size());
  test::run_once(*yunet.model, crop);
  ASSERT_GE(yunet->result().detections.size(), 1u) << "no face in the aligned crop";
  const Detection& again = yunet->result().detections[0];
  EXPECT_LT(cv::norm(cv::Point2d(again.points[0]) - tpl[0]), 8.0) << again.points[0];
  EXPECT_LT(cv::norm(cv::Point2d(again.points[1]) - tpl[1]), 8.0) << again.points[1];
}

}  // namespace
}  // namespace zoobench
