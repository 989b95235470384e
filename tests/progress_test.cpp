// The progress line's text and its drawing: counts, ETA, width, erasing.
#include <gtest/gtest.h>

#include <sstream>

#include "zoobench/report/progress.hpp"

namespace zoobench {
namespace {

using std::chrono::seconds;

const ProgressLabel kYunet{"config 1/3", "a.yaml: YuNet ['y.onnx']", "on CPU, trial 1/1"};

TEST(ProgressLine, TextCountsFromOneAndFormatsTheEta) {
  EXPECT_EQ(ProgressLine::text(0, 12, kYunet, std::nullopt, 200),
            "[1/12] config 1/3 a.yaml: YuNet ['y.onnx'] on CPU, trial 1/1, ETA after the first benchmark");
  EXPECT_EQ(ProgressLine::text(4, 12, {"c", "x", "w"}, seconds(65), 200), "[5/12] c x w, ETA 1:05");
  EXPECT_EQ(ProgressLine::text(4, 12, {"c", "x", "w"}, seconds(3 * 3600 + 7), 200), "[5/12] c x w, ETA 3:00:07");
}

TEST(ProgressLine, ALineWiderThanTheTerminalShortensTheNameFirstKeepingConfigTargetTrialAndEta) {
  const ProgressLabel what{"config 2/9", "text_recognition_crnn.yaml: CRNN " + std::string(300, 'm'),
                           "on CUDA FP16, trial 3/3"};
  const std::string line = ProgressLine::text(0, 9, what, seconds(5), 80);
  EXPECT_EQ(line.size(), 79u) << line;  // one column short of the width: the cursor never wraps
  EXPECT_EQ(line.rfind("[1/9] config 2/9 ...mmm", 0), 0u) << line;
  EXPECT_EQ(line.substr(line.size() - 37), "mmm on CUDA FP16, trial 3/3, ETA 0:05") << line;
  // Too narrow even for the fixed parts: the start of the line, never wider than the terminal.
  EXPECT_EQ(ProgressLine::text(0, 9, what, seconds(5), 20), "[1/9] config 2/9 te");
}

TEST(ProgressLine, At80ColumnsTheModelFileStaysVisibleAndTwoModelsOfOneConfigDiffer) {
  auto line = [](const std::string& file, std::optional<seconds> eta) {
    const ProgressLabel what = model_progress_label("config 3/22", "face_detection_yunet.yaml", "YuNet", {file},
                                                    "on CUDA FP16, trial 3/3");
    return ProgressLine::text(40, 144, what, eta, 80);
  };
  const std::string old_model = line("face_detection_yunet_2022mar.onnx", seconds(754));
  const std::string new_model = line("face_detection_yunet_2023mar.onnx", seconds(754));
  EXPECT_LE(old_model.size(), 79u) << old_model;
  EXPECT_NE(old_model.find("2022mar"), std::string::npos) << old_model;
  EXPECT_NE(new_model.find("2023mar"), std::string::npos) << new_model;
  EXPECT_NE(old_model, new_model);
  // The config name goes before the model: ".yaml" first, then the name itself.
  EXPECT_EQ(old_model, "[41/144] config 3/22 ...ection_yunet_2022mar on CUDA FP16, trial 3/3, ETA 12:34");
  EXPECT_EQ(ProgressLine::text(0, 9, model_progress_label("config 1/2", "a.yaml", "YuNet", {"y.onnx"}, "on CPU"),
                               std::nullopt, 80),
            "[1/9] config 1/2 a.yaml: YuNet ['y.onnx'] on CPU, ETA after the first benchmark");
  EXPECT_EQ(ProgressLine::text(0, 9, model_progress_label("config 1/2", "abcdefghijklmnopq.yaml", "YuNet",
                                                          {"y.onnx"}, "on CPU, trial 1/1"),
                               std::nullopt, 103),
            "[1/9] config 1/2 abcdefghijklmnopq: YuNet ['y.onnx'] on CPU, trial 1/1, ETA after the first benchmark");
  // Narrower: the stem alone, then its end behind "...".
  const ProgressLabel yunet = model_progress_label("config 3/22", "face_detection_yunet.yaml", "YuNet",
                                                   {"face_detection_yunet_2022mar.onnx"}, "on CUDA FP16, trial 3/3");
  EXPECT_EQ(ProgressLine::text(40, 144, yunet, seconds(754), 100),
            "[41/144] config 3/22 YuNet ['face_detection_yunet_2022mar.onnx'] on CUDA FP16, trial 3/3, ETA 12:34");
  EXPECT_EQ(ProgressLine::text(40, 144, yunet, seconds(754), 91),
            "[41/144] config 3/22 YuNet face_detection_yunet_2022mar on CUDA FP16, trial 3/3, ETA 12:34");
  EXPECT_EQ(ProgressLine::text(40, 144, yunet, seconds(754), 85),
            "[41/144] config 3/22 face_detection_yunet_2022mar on CUDA FP16, trial 3/3, ETA 12:34");
  EXPECT_EQ(ProgressLine::text(40, 144, yunet, seconds(754), 70),
            "[41/144] config 3/22 ...et_2022mar on CUDA FP16, trial 3/3, ETA 12:34");
}

TEST(ProgressLine, DrawsInPlaceAndErasesItselfOnClearAndAtTheEnd) {
  std::ostringstream out;
  {
    ProgressLine progress(out, 2, 80);
    progress.start({"c", "first", "w"});
    EXPECT_EQ(out.str(), "\r\033[K[1/2] c first w, ETA after the first benchmark");
    progress.clear();
    progress.clear();  // once is enough
    EXPECT_EQ(out.str(), "\r\033[K[1/2] c first w, ETA after the first benchmark\r\033[K");
    progress.start({"c", "second", "w"});
    EXPECT_NE(out.str().find("\r\033[K[2/2] c second w, ETA 0:0"), std::string::npos) << out.str();
  }
  const std::string text = out.str();
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K") << "erased when it goes out of scope";
}

}  // namespace
}  // namespace zoobench
