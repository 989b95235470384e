#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_support.hpp"
#include "zoobench/stats/agreement.hpp"

namespace zoobench {
namespace {

Detection box(float x, float y, float w, float h, int class_id = 0, std::vector<cv::Point2f> points = {}) {
  Detection d;
  d.box = {x, y, w, h};
  d.score = 0.9f;
  d.class_id = class_id;
  d.points = std::move(points);
  return d;
}

ModelResult detections(std::vector<Detection> found) {
  ModelResult r;
  r.detections = std::move(found);
  return r;
}

ModelResult classes(const std::vector<int>& ids) {
  ModelResult r;
  float score = 0.9f;
  for (int id : ids) {
    r.classes.push_back({id, score});
    score /= 2;
  }
  return r;
}

ModelResult texts(std::vector<std::string> lines) {
  ModelResult r;
  r.texts = std::move(lines);
  return r;
}

ModelResult mask(cv::Mat m) {
  ModelResult r;
  r.mask = std::move(m);
  return r;
}

ModelResult feature(std::vector<float> values) {
  ModelResult r;
  r.feature = cv::Mat(values, true).reshape(1, 1);
  return r;
}

// One tracked frame: a box, or nothing when the tracker lost the target.
ModelResult frame(const cv::Rect2f* tracked) {
  if (tracked == nullptr) return {};
  return detections({box(tracked->x, tracked->y, tracked->width, tracked->height)});
}

const std::vector<Detection> kThreeObjects = {box(0, 0, 10, 10, 0), box(20, 20, 10, 10, 1), box(40, 0, 5, 5, 2)};

// ---- Detections ----

TEST(Agreement, IdenticalDetectionsAgree) {
  const std::vector<ModelResult> answers = {detections(kThreeObjects)};
  const Agreement a = compare_answers(answers, answers, {});
  EXPECT_TRUE(a.compared);
  EXPECT_FALSE(a.differs);
  EXPECT_DOUBLE_EQ(a.recall.value(), 1.0);
  EXPECT_DOUBLE_EQ(a.precision.value(), 1.0);
  EXPECT_DOUBLE_EQ(a.mean_iou.value(), 1.0);
  EXPECT_FALSE(a.max_landmark_px.has_value());  // no points
  EXPECT_FALSE(a.top1_same.has_value());        // other kinds stay empty
  EXPECT_EQ(a.summary, "3/3 boxes, IoU 1.00");
}

TEST(Agreement, ExtraDetectionLowersPrecisionAndDiffers) {
  // YOLOX-Nano on the H200: CUDA FP16 found 4 objects where the CPU found 3.
  std::vector<Detection> four = kThreeObjects;
  four.push_back(box(60, 60, 10, 10, 0));
  const Agreement a = compare_answers({detections(kThreeObjects)}, {detections(four)}, {});
  EXPECT_TRUE(a.differs);
  EXPECT_DOUBLE_EQ(a.recall.value(), 1.0);
  EXPECT_DOUBLE_EQ(a.precision.value(), 0.75);
  EXPECT_DOUBLE_EQ(a.mean_iou.value(), 1.0);
  EXPECT_EQ(a.summary, "4 vs 3 boxes (recall 1.00, precision 0.75)");

  AnswerTolerance lenient;
  lenient.min_precision = 0.7;
  EXPECT_FALSE(compare_answers({detections(kThreeObjects)}, {detections(four)}, lenient).differs);
}

TEST(Agreement, ShiftedBoxIouByHand) {
  // [0,0,10,10] vs [2,0,10,10]: intersection 8x10 = 80, union 100 + 100 - 80 = 120 -> 2/3.
  const Agreement a = compare_answers({detections({box(0, 0, 10, 10)})}, {detections({box(2, 0, 10, 10)})}, {});
  EXPECT_FALSE(a.differs);
  EXPECT_NEAR(a.mean_iou.value(), 2.0 / 3.0, 1e-9);
  EXPECT_EQ(a.summary, "1/1 boxes, IoU 0.67");

  // Shifted by (5, 5): intersection 25, union 175 -> 1/7, below the 0.5 match IoU: no match.
  const std::vector<ModelResult> ref = {detections({box(0, 0, 10, 10)})};
  const std::vector<ModelResult> far = {detections({box(5, 5, 10, 10)})};
  const Agreement b = compare_answers(ref, far, {});
  EXPECT_TRUE(b.differs);
  EXPECT_DOUBLE_EQ(b.recall.value(), 0.0);
  EXPECT_DOUBLE_EQ(b.precision.value(), 0.0);
  EXPECT_FALSE(b.mean_iou.has_value());
  EXPECT_EQ(b.summary, "0/1 boxes matched (recall 0.00, precision 0.00)");

  AnswerTolerance loose;
  loose.match_iou = 0.1;
  EXPECT_NEAR(compare_answers(ref, far, loose).mean_iou.value(), 1.0 / 7.0, 1e-9);
}

TEST(Agreement, DetectionsMatchOnlyWithinAClass) {
  const Agreement a = compare_answers({detections({box(0, 0, 10, 10, 1)})}, {detections({box(0, 0, 10, 10, 2)})}, {});
  EXPECT_TRUE(a.differs);
  EXPECT_DOUBLE_EQ(a.recall.value(), 0.0);
}

TEST(Agreement, GreedyMatchingTakesTheBestIouFirst) {
  // IoU(R2, C1) = 90/110 = 9/11, IoU(R1, C1) = 80/120, IoU(R1, C2) = 70/130 = 7/13, IoU(R2, C2) = 40/160.
  // Best first: R2-C1, then R1-C2. Matching R1 first to its best (C1) would leave R2 only C2 (0.25).
  const std::vector<ModelResult> ref = {detections({box(0, 0, 10, 10), box(3, 0, 10, 10)})};
  const std::vector<ModelResult> cand = {detections({box(2, 0, 10, 10), box(-3, 0, 10, 10)})};
  const Agreement a = compare_answers(ref, cand, {});
  EXPECT_FALSE(a.differs) << a.summary;
  EXPECT_DOUBLE_EQ(a.recall.value(), 1.0);
  EXPECT_NEAR(a.mean_iou.value(), (9.0 / 11.0 + 7.0 / 13.0) / 2.0, 1e-9);
}

// Stacked boxes (an edited file, or a detector without NMS): matched lazily in O(n + m) memory, and the
// greedy matching still pairs every box, as the list of all n*m pairs did.
TEST(Agreement, StackedIdenticalBoxesAllMatch) {
  std::vector<Detection> stacked(200, box(5, 5, 20, 20));
  stacked.push_back(box(100, 100, 10, 10));  // one apart, matched by its own
  const Agreement a = compare_answers({detections(stacked)}, {detections(stacked)}, {});
  EXPECT_FALSE(a.differs) << a.summary;
  EXPECT_DOUBLE_EQ(a.recall.value(), 1.0);
  EXPECT_DOUBLE_EQ(a.precision.value(), 1.0);
}

TEST(Agreement, BothEmptyAgree) {
  const Agreement a = compare_answers({detections({})}, {detections({})}, {});
  EXPECT_TRUE(a.compared);
  EXPECT_FALSE(a.differs);
  EXPECT_EQ(a.summary, "nothing found on either side");
  EXPECT_FALSE(compare_answers({}, {detections({})}, {}).compared);
  EXPECT_FALSE(compare_answers({detections({})}, {}, {}).compared);
}

TEST(Agreement, DetectionsCountOverAllItems) {
  const std::vector<ModelResult> ref = {detections({box(0, 0, 10, 10)}), detections({box(0, 0, 10, 10)})};
  const std::vector<ModelResult> cand = {detections({box(0, 0, 10, 10)}), detections({})};
  const Agreement a = compare_answers(ref, cand, {});
  EXPECT_TRUE(a.compared);
  EXPECT_DOUBLE_EQ(a.recall.value(), 0.5);
  EXPECT_DOUBLE_EQ(a.precision.value(), 1.0);
  EXPECT_EQ(a.summary, "1 vs 2 boxes (recall 0.50, precision 1.00)");
}

// Answers for different numbers of items come from different inputs (another data set, a run cut
// short): pairing them item by item would compare answers to different images.
TEST(Agreement, DifferentAnswerCountsAreNotCompared) {
  const std::vector<ModelResult> ref = {detections({box(0, 0, 10, 10)}), detections({box(0, 0, 10, 10)})};
  const std::vector<ModelResult> longer = {detections({box(0, 0, 10, 10)}), detections({box(0, 0, 10, 10)}),
                                           detections({box(50, 50, 1, 1)})};
  const Agreement a = compare_answers(ref, longer, {});
  EXPECT_FALSE(a.compared);
  EXPECT_FALSE(a.differs) << "not compared is no verdict either way";
  EXPECT_EQ(a.summary, "not compared: answers for 3 inputs here, 2 for the CPU");
  EXPECT_FALSE(a.recall.has_value()) << "no metric from a partial pairing";
  EXPECT_FALSE(a.precision.has_value());

  // The same the other way round, and for any kind of answer: the first items would agree here.
  const Agreement shorter = compare_answers({classes({1, 2}), classes({3, 4})}, {classes({1, 2})}, {});
  EXPECT_FALSE(shorter.compared);
  EXPECT_FALSE(shorter.top1_same.has_value());
  EXPECT_EQ(shorter.summary, "not compared: answers for 1 inputs here, 2 for the CPU");
}

TEST(Agreement, LandmarkDisplacementInPixels) {
  const std::vector<ModelResult> ref = {detections({box(0, 0, 10, 10, 0, {{1, 1}, {5, 5}})})};
  // The second point moves by (3, 4): 5 px, beyond the default 3 px.
  const Agreement moved = compare_answers(ref, {detections({box(0, 0, 10, 10, 0, {{1, 1}, {8, 9}})})}, {});
  EXPECT_TRUE(moved.differs);
  EXPECT_DOUBLE_EQ(moved.max_landmark_px.value(), 5.0);
  EXPECT_DOUBLE_EQ(moved.recall.value(), 1.0);
  EXPECT_EQ(moved.summary, "1/1 boxes, IoU 1.00, points moved 5.0 px");

  const Agreement close = compare_answers(ref, {detections({box(0, 0, 10, 10, 0, {{1, 1}, {6, 5}})})}, {});
  EXPECT_FALSE(close.differs);
  EXPECT_DOUBLE_EQ(close.max_landmark_px.value(), 1.0);

  // Different point counts are not compared point by point.
  const Agreement other = compare_answers(ref, {detections({box(0, 0, 10, 10, 0, {{1, 1}})})}, {});
  EXPECT_FALSE(other.max_landmark_px.has_value());
}

// ---- Classes ----

TEST(Agreement, TopOneFlipDiffers) {
  const Agreement a = compare_answers({classes({281, 285, 1, 2, 3})}, {classes({285, 281, 1, 2, 3})}, {});
  EXPECT_TRUE(a.differs);
  EXPECT_FALSE(a.top1_same.value());
  EXPECT_TRUE(a.top5_same.value());  // the same five, in another order
  EXPECT_EQ(a.summary, "top-1 class 285 vs 281");

  const Agreement same = compare_answers({classes({281, 285})}, {classes({281, 285})}, {});
  EXPECT_FALSE(same.differs);
  EXPECT_TRUE(same.top1_same.value());
  EXPECT_EQ(same.summary, "top-1 same");
}

TEST(Agreement, TopFiveChangeDiffersOnlyWhenRequired) {
  const std::vector<ModelResult> ref = {classes({281, 285, 1, 2, 3, 9})};
  const std::vector<ModelResult> cand = {classes({281, 285, 1, 2, 7, 3})};  // 3 fell to sixth place
  const Agreement a = compare_answers(ref, cand, {});
  EXPECT_FALSE(a.differs);
  EXPECT_TRUE(a.top1_same.value());
  EXPECT_FALSE(a.top5_same.value());
  EXPECT_EQ(a.summary, "top-1 same, top-5 differs on 1/1");
  AnswerTolerance strict;
  strict.require_top5 = true;
  EXPECT_TRUE(compare_answers(ref, cand, strict).differs);
}

TEST(Agreement, TopOneCountsItemsThatDiffer) {
  const std::vector<ModelResult> ref = {classes({1}), classes({2}), classes({3})};
  const std::vector<ModelResult> cand = {classes({1}), classes({4}), classes({3})};
  const Agreement a = compare_answers(ref, cand, {});
  EXPECT_TRUE(a.differs);
  EXPECT_EQ(a.summary, "top-1 differs on 1/3 (first: class 4 vs 2)");
}

// ---- Texts ----

TEST(Agreement, TextEditDistanceTheshap) {
  // PP-OCRv4 on the H200: CUDA FP16 read 'theshap' where the CPU read 'theshp': one insertion in 7.
  EXPECT_DOUBLE_EQ(normalised_edit_distance("theshap", "theshp"), 1.0 / 7.0);
  const Agreement a = compare_answers({texts({"theshp"})}, {texts({"theshap"})}, {});
  EXPECT_TRUE(a.differs);
  EXPECT_DOUBLE_EQ(a.text_exact.value(), 0.0);
  EXPECT_DOUBLE_EQ(a.text_distance.value(), 1.0 / 7.0);
  EXPECT_EQ(a.summary, "text 'theshap' vs 'theshp' (0.14)");

  AnswerTolerance lenient;
  lenient.max_text_distance = 0.2;
  EXPECT_FALSE(compare_answers({texts({"theshp"})}, {texts({"theshap"})}, lenient).differs);

  const Agreement same = compare_answers({texts({"theshp"})}, {texts({"theshp"})}, {});
  EXPECT_FALSE(same.differs);
  EXPECT_EQ(same.summary, "text same");
}

TEST(Agreement, EditDistanceByHand) {
  EXPECT_DOUBLE_EQ(normalised_edit_distance("kitten", "sitting"), 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(normalised_edit_distance("", ""), 0.0);
  EXPECT_DOUBLE_EQ(normalised_edit_distance("abc", ""), 1.0);
  EXPECT_DOUBLE_EQ(normalised_edit_distance("abc", "xyz"), 1.0);
}

TEST(Agreement, EditDistanceCountsUtf8CodePoints) {
  // One of four characters replaced: 1/4. Over bytes it would be 2/12 (识 E8 AF 86, 认 E8 AE A4).
  EXPECT_DOUBLE_EQ(normalised_edit_distance("中文识别", "中文认别"), 0.25);
  // One of two characters deleted: 1/2 (over bytes 3/4).
  EXPECT_DOUBLE_EQ(normalised_edit_distance("a中", "a"), 0.5);
  EXPECT_DOUBLE_EQ(normalised_edit_distance("中文", "中文"), 0.0);
  // A stray byte is one unit of its own.
  EXPECT_DOUBLE_EQ(normalised_edit_distance("\xFF" "a", "a"), 0.5);
}

TEST(Agreement, TextsPairByPositionAndMissingTextsDiffer) {
  const Agreement a = compare_answers({texts({"a", "b"})}, {texts({"a"})}, {});
  EXPECT_TRUE(a.differs);
  EXPECT_DOUBLE_EQ(a.text_exact.value(), 0.5);
  EXPECT_DOUBLE_EQ(a.text_distance.value(), 1.0);
  EXPECT_EQ(a.summary, "1 vs 2 texts, 1/2 texts same");
}

TEST(Agreement, LongTextsAreCutAtACharacterInTheSummary) {
  std::string line, misread, cut;
  for (int i = 0; i < 30; ++i) line += "中";
  misread = line.substr(0, 29 * 3) + "文";
  for (int i = 0; i < 24; ++i) cut += "中";
  const Agreement a = compare_answers({texts({line})}, {texts({misread})}, {});
  EXPECT_EQ(a.summary, "text '" + cut + "...' vs '" + cut + "...' (0.03)");  // 1/30
}

TEST(Agreement, TextBoxesAndTextsCombine) {
  // PP-OCR fills both: the boxes agree, one text does not.
  ModelResult ref = texts({"theshp"});
  ref.detections = {box(0, 0, 40, 10)};
  ModelResult cand = texts({"theshap"});
  cand.detections = {box(0, 0, 40, 10)};
  const Agreement a = compare_answers({ref}, {cand}, {});
  EXPECT_TRUE(a.differs);
  EXPECT_DOUBLE_EQ(a.recall.value(), 1.0);
  EXPECT_DOUBLE_EQ(a.text_distance.value(), 1.0 / 7.0);
  EXPECT_EQ(a.summary, "1/1 boxes, IoU 1.00; text 'theshap' vs 'theshp' (0.14)");
}

// ---- Masks ----

TEST(Agreement, MaskIouOfNonZeroPixels) {
  cv::Mat ref = cv::Mat::zeros(10, 10, CV_8U);
  ref.rowRange(0, 5).setTo(255);  // 50 px
  cv::Mat cand = cv::Mat::zeros(10, 10, CV_8U);
  cand.rowRange(0, 6).setTo(1);  // 60 px, another non-zero value: same class
  const Agreement a = compare_answers({mask(ref)}, {mask(cand)}, {});
  EXPECT_NEAR(a.mask_iou.value(), 50.0 / 60.0, 1e-12);
  EXPECT_TRUE(a.differs);
  EXPECT_EQ(a.summary, "mask IoU 0.83");

  const Agreement empty = compare_answers({mask(cv::Mat::zeros(4, 4, CV_8U))}, {mask(cv::Mat::zeros(4, 4, CV_8U))}, {});
  EXPECT_DOUBLE_EQ(empty.mask_iou.value(), 1.0);
  EXPECT_FALSE(empty.differs);
}

TEST(Agreement, MaskOfAnotherSizeDiffers) {
  const Agreement a = compare_answers({mask(cv::Mat::ones(10, 10, CV_8U))}, {mask(cv::Mat::ones(10, 12, CV_8U))}, {});
  EXPECT_TRUE(a.differs);
  EXPECT_DOUBLE_EQ(a.mask_iou.value(), 0.0);
  EXPECT_EQ(a.summary, "mask sizes differ (12x10 vs 10x10)");
  // A mask on one side only is not compared: a results file keeps masks as class counts, and a person
  // found on one side only shows in the detections.
  EXPECT_FALSE(compare_answers({mask(cv::Mat::ones(3, 3, CV_8U))}, {ModelResult{}}, {}).mask_iou.has_value());
}

// ---- Features ----

TEST(Agreement, FeatureCosineIsTheLowestOverItems) {
  // [1,0,0] . [1,1,0] = 1; norms 1 and sqrt(2): cos = 1/sqrt(2).
  const std::vector<ModelResult> ref = {feature({1, 0, 0}), feature({0.5f, 2.f, -1.f})};
  const std::vector<ModelResult> cand = {feature({1, 1, 0}), feature({0.5f, 2.f, -1.f})};
  const Agreement a = compare_answers(ref, cand, {});
  EXPECT_NEAR(a.cosine.value(), 1.0 / std::sqrt(2.0), 1e-9);
  EXPECT_TRUE(a.differs);
  EXPECT_EQ(a.summary, "cos 0.7071");

  const Agreement same = compare_answers({feature({3, 4})}, {feature({6, 8})}, {});  // same direction
  EXPECT_NEAR(same.cosine.value(), 1.0, 1e-12);
  EXPECT_FALSE(same.differs);

  const Agreement other = compare_answers({feature({1, 2})}, {feature({1, 2, 3})}, {});
  EXPECT_TRUE(other.differs);
  EXPECT_EQ(other.summary, "feature sizes differ (3 vs 2)");
}

// ---- Tracking ----

TEST(Agreement, TrackingPerFrameIouWithALostFrame) {
  const cv::Rect2f at_zero(0, 0, 10, 10), shifted(2, 0, 10, 10);
  // Frames: same box (1); shifted by 2 (2/3); lost on both (1); lost on the candidate only (0).
  const std::vector<ModelResult> ref = {frame(&at_zero), frame(&at_zero), frame(nullptr), frame(&at_zero)};
  const std::vector<ModelResult> cand = {frame(&at_zero), frame(&shifted), frame(nullptr), frame(nullptr)};
  AnswerTolerance tracking;
  tracking.tracking = true;
  const Agreement a = compare_answers(ref, cand, tracking);
  EXPECT_NEAR(a.track_iou_mean.value(), (1.0 + 2.0 / 3.0 + 1.0 + 0.0) / 4.0, 1e-9);  // 2/3
  EXPECT_DOUBLE_EQ(a.track_iou_min.value(), 0.0);
  EXPECT_FALSE(a.differs);             // mean 0.67 >= 0.5
  EXPECT_FALSE(a.recall.has_value());  // frames are not matched as detections
  EXPECT_EQ(a.summary, "track IoU mean 0.67 min 0.00, lost 2 vs 1 frames");
  tracking.min_track_iou = 0.7;
  EXPECT_TRUE(compare_answers(ref, cand, tracking).differs);
  tracking.min_track_iou = 0.5;

  const Agreement same = compare_answers(ref, ref, tracking);
  EXPECT_DOUBLE_EQ(same.track_iou_mean.value(), 1.0);
  EXPECT_FALSE(same.differs);
  EXPECT_EQ(same.summary, "track IoU mean 1.00 min 1.00");
}

// ---- Raw outputs ----

TEST(Agreement, MaxAbsDiffOfRawOutputs) {
  const cv::Mat a = (cv::Mat_<float>(2, 3) << 1, 2, 3, 4, 5, 6);
  cv::Mat b = a.clone();
  EXPECT_DOUBLE_EQ(max_abs_diff({a}, {b}).value(), 0.0);
  b.at<float>(1, 2) = 5.75f;
  b.at<float>(0, 0) = 1.125f;
  EXPECT_DOUBLE_EQ(max_abs_diff({a, a}, {a, b}).value(), 0.25);

  const cv::Mat blob(std::vector<int>{1, 2, 3, 4}, CV_32F, cv::Scalar(1));
  cv::Mat other = blob.clone();
  other.ptr<float>(0, 1, 2)[3] = -1.5f;
  EXPECT_DOUBLE_EQ(max_abs_diff({blob}, {other}).value(), 2.5);
}

TEST(Agreement, MaxAbsDiffNeedsTheSameShapes) {
  const cv::Mat a = (cv::Mat_<float>(2, 3) << 1, 2, 3, 4, 5, 6);
  EXPECT_FALSE(max_abs_diff({a}, {a.reshape(1, 3)}).has_value());  // 3x2
  cv::Mat as_double;
  a.convertTo(as_double, CV_64F);
  EXPECT_FALSE(max_abs_diff({a}, {as_double}).has_value());
  EXPECT_FALSE(max_abs_diff({a}, {a, a}).has_value());
  EXPECT_FALSE(max_abs_diff({}, {}).has_value());
}

TEST(Agreement, MaxAbsDiffTreatsNanAsFar) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const cv::Mat a = (cv::Mat_<float>(1, 2) << 1, nan);
  const cv::Mat b = (cv::Mat_<float>(1, 2) << 1, 0);
  EXPECT_DOUBLE_EQ(max_abs_diff({a}, {a.clone()}).value(), 0.0);
  EXPECT_TRUE(std::isinf(max_abs_diff({a}, {b}).value()));
}

// ---- Families that feed agreement ----

TEST(AgreementFamilies, ClassifierKeepsTheTopFive) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "image_classification_mobilenetv2_2022apr.onnx",
                                     {{"input", {1, 3, 224, 224}}}, {{"output", {1, 1000}}});
  const cv::Mat rgb(224, 224, CV_8UC3, cv::Scalar(10, 200, 30));
  auto built = test::build_model("MobileNet", {model});  // the configs' default topK 1
  test::run_once(*built.model, rgb);
  const ModelResult first = built->result();
  ASSERT_EQ(first.classes.size(), 5u);
  EXPECT_EQ(built->result_summary().rfind("class " + std::to_string(first.classes[0].class_id), 0), 0u);
  test::run_once(*built.model, rgb);
  const Agreement again = compare_answers({first}, {built->result()}, {});
  EXPECT_FALSE(again.differs) << again.summary;
  EXPECT_TRUE(again.top5_same.value());

  auto more = test::build_model("MobileNet", {model}, "{topK: 8}");
  test::run_once(*more.model, rgb);
  EXPECT_EQ(more->result().classes.size(), 8u);
}

TEST(AgreementFamilies, PpOcrV4ExposesItsRawOutputs) {
  const auto dir = test::scratch_dir();
  const auto det = test::make_onnx(dir / "ch_PP-OCRv4_det_infer.onnx", {{"x", {1, 3, 64, 64}}},
                                   {{"sigmoid_0.tmp_0", {1, 1, 16, 16}}});
  const auto rec = test::make_onnx(dir / "ch_PP-OCRv4_rec_infer.onnx", {{"x", {1, 3, 48, 320}}},
                                   {{"softmax_11.tmp_0", {1, 40, 5}}});
  const auto cls = test::make_onnx(dir / "ch_ppocr_mobile_v2.0_cls_infer.onnx", {{"x", {1, 3, 48, 192}}},
                                   {{"softmax_0.tmp_0", {1, 2}}});
  test::write_file(dir / "ppocr_keys_v1.txt", "a\nb\nc\n");
  // Every threshold at -10: the whole map is one box.
  auto built = test::build_model("PPOCRv4", {det, rec, cls},
                                 "{binaryThreshold: -10, polygonThreshold: -10, maxCandidates: 1000, "
                                 "unclipRatio: 1.5, limitSideLen: 960, recInputWidth: 320, clsThreshold: 0.9}");
  cv::Mat image(100, 200, CV_8UC3);
  cv::randu(image, 0, 255);
  test::run_once(*built.model, image);
  const std::vector<cv::Mat> raw = built->raw_outputs();
  ASSERT_EQ(raw.size(), 1 + built->result().detections.size());
  EXPECT_EQ(raw[0].total(), 16u * 16u);       // the detector's probability map
  EXPECT_EQ(raw[1].total(), 40u * 5u);        // the box's recogniser scores
  std::vector<cv::Mat> first;
  for (const auto& m : raw) first.push_back(m.clone());
  const ModelResult answer = built->result();
  test::run_once(*built.model, image);
  EXPECT_DOUBLE_EQ(max_abs_diff(first, built->raw_outputs()).value(), 0.0);
  EXPECT_FALSE(compare_answers({answer}, {built->result()}, {}).differs);
}

}  // namespace
}  // namespace zoobench
