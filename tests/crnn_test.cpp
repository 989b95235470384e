#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/crnn.hpp"

namespace zoobench {
namespace {

// Scores [T, 1, C] whose best class at step t is classes[t].
cv::Mat one_hot(const std::vector<int>& classes, int num_classes) {
  cv::Mat scores(std::vector<int>{static_cast<int>(classes.size()), 1, num_classes}, CV_32F, cv::Scalar(0.01));
  for (std::size_t t = 0; t < classes.size(); ++t) {
    scores.ptr<float>(static_cast<int>(t))[classes[t]] = 0.9f;
  }
  return scores;
}

TEST(CRNN, CharsetsHaveTheZooSizesAndOrder) {
  EXPECT_EQ(crnn::charset_en36().size(), 36u);
  EXPECT_EQ(crnn::charset_en36()[10], "a");
  const auto& ch = crnn::charset_ch94();
  ASSERT_EQ(ch.size(), 94u);
  EXPECT_EQ(ch[36], "A");
  EXPECT_EQ(ch[62], "!");
  EXPECT_EQ(ch[93], "~");
}

TEST(CRNN, GreedyCtcCollapsesRepeatsAndDropsBlanks) {
  // h h _ e l _ l o  (EN_36: '0'..'9' are classes 1..10, 'a' is 11)
  const cv::Mat scores = one_hot({18, 18, 0, 15, 22, 0, 22, 25}, 37);
  EXPECT_EQ(crnn::ctc_greedy(scores), (std::vector<int>{18, 15, 22, 22, 25}));
  EXPECT_EQ(crnn::ctc_decode(scores, crnn::charset_en36()), "hello");
  EXPECT_EQ(crnn::ctc_decode(one_hot({5, 5, 5}, 37), crnn::charset_en36()), "4");
  EXPECT_EQ(crnn::ctc_decode(one_hot({0, 0}, 37), crnn::charset_en36()), "");
  // CH_94's '-' (class 75) is a character, not a blank.
  EXPECT_EQ(crnn::ctc_decode(one_hot({2, 75, 0, 4}, 95), crnn::charset_ch94()), "1-3");
  EXPECT_THROW(crnn::ctc_decode(one_hot({40}, 41), crnn::charset_en36()), Error);
  EXPECT_THROW(crnn::ctc_greedy(cv::Mat()), Error);
}

TEST(CRNN, CropMapsTheLabelCornersOntoTheInput) {
  // A white 40x16 box at (30, 20) in a black image: its corners fill the whole 100x32 crop.
  cv::Mat image = cv::Mat::zeros(100, 120, CV_8UC3);
  image(cv::Rect(30, 20, 40, 16)).setTo(cv::Scalar::all(255));
  const cv::Mat row = (cv::Mat_<float>(1, 8) << 30, 35, 30, 20, 69, 20, 69, 35);  // bl, tl, tr, br
  const auto quad = crnn::label_quad(row, image.size());
  EXPECT_EQ(quad[1], cv::Point2f(30, 20));
  const cv::Mat cropped = crnn::crop(image, quad, {crnn::kInputWidth, crnn::kInputHeight});
  ASSERT_EQ(cropped.size(), cv::Size(100, 32));
  EXPECT_GT(cv::mean(cropped)[0], 240);
  // No label row: the whole image.
  const auto whole = crnn::label_quad(cv::Mat(), image.size());
  EXPECT_EQ(whole[0], cv::Point2f(0, 99));
  EXPECT_EQ(whole[2], cv::Point2f(119, 0));
  EXPECT_THROW(crnn::label_quad(cv::Mat::zeros(1, 4, CV_32F), image.size()), DataError);
}

TEST(CRNN, ReadsACharsetFileOneCharacterPerLine) {
  const auto dir = test::scratch_dir();
  const auto file = test::write_file(dir / "set.txt", "\xEF\xBB\xBF" "a\r\n \n\xE4\xB8\xAD\nz\n");
  const auto charset = crnn::read_charset_file(file);
  ASSERT_EQ(charset.size(), 3u);
  EXPECT_EQ(charset[0], "a");
  EXPECT_EQ(charset[1], "\xE4\xB8\xAD");  // a CJK character stays one entry
  EXPECT_THROW(crnn::read_charset_file(dir / "none.txt"), ModelError);
  EXPECT_THROW(crnn::read_charset_file(test::write_file(dir / "empty.txt", "\n\n")), ModelError);
}

// Load + forward on stand-ins with the zoo models' shapes: EN [1,1,32,100] -> [26,1,37], CH [1,3,32,100]
// -> [26,1,95].
TEST(CRNN, StandInModelsLoadAndRun) {
  const auto dir = test::scratch_dir();
  const auto en = test::make_onnx(dir / "text_recognition_CRNN_EN_2021sep.onnx", {{"input", {1, 1, 32, 100}}},
                                  {{"output", {26, 1, 37}}});
  const auto ch = test::make_onnx(dir / "text_recognition_CRNN_CH_2021sep.onnx", {{"input", {1, 3, 32, 100}}},
                                  {{"output", {26, 1, 95}}});
  cv::Mat image(120, 200, CV_8UC3);
  cv::randu(image, 0, 255);
  const cv::Mat row = (cv::Mat_<float>(1, 8) << 10, 60, 10, 20, 150, 20, 150, 60);
  for (const auto& model : {en, ch}) {
    auto built = test::build_model("CRNN", {model});
    test::run_once(*built.model, image, row);
    ASSERT_EQ(built->result().texts.size(), 1u);
    EXPECT_LE(built->result().texts[0].size(), 26u);
    test::run_once(*built.model, image);  // no label: the whole image
    EXPECT_EQ(built->result().texts.size(), 1u);
  }
}

TEST(CRNN, CnNeedsItsCharsetFile) {
  const auto dir = test::scratch_dir();
  const auto cn = test::make_onnx(dir / "text_recognition_CRNN_CN_2021nov.onnx", {{"input", {1, 3, 32, 100}}},
                                  {{"output", {26, 1, 4}}});
  try {
    test::build_model("CRNN", {cn});
    FAIL() << "expected Unsupported";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("charset_3944_CN.txt"), std::string::npos) << e.what();
  }
  // Three characters for a model with 3 + blank classes: accepted; a wrong count is refused.
  test::write_file(dir / "charset_3944_CN.txt", "\xE4\xB8\xAD\nA\n1\n");
  auto built = test::build_model("CRNN", {cn});
  cv::Mat image(32, 100, CV_8UC3, cv::Scalar::all(128));
  test::run_once(*built.model, image);
  EXPECT_EQ(built->result().texts.size(), 1u);
  test::write_file(dir / "text_recognition_CRNN_CN_2021nov.txt", "a\nb\n");  // <stem>.txt wins, but is short
  EXPECT_THROW(test::build_model("CRNN", {cn}), ModelError);
  EXPECT_NO_THROW(test::build_model("CRNN", {cn}, "{charset: charset_3944_CN.txt}"));
}

}  // namespace
}  // namespace zoobench
