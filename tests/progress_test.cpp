// The progress line's text and its drawing: counts, ETA, width, erasing.
#include <gtest/gtest.h>

#include <sstream>

#include "zoobench/report/progress.hpp"

namespace zoobench {
namespace {

using std::chrono::seconds;

TEST(ProgressLine, TextCountsFromOneAndFormatsTheEta) {
  EXPECT_EQ(ProgressLine::text(0, 12, "config 1/3 a.yaml: YuNet ['y.onnx'] on CPU, trial 1/1", std::nullopt, 200),
            "[1/12] config 1/3 a.yaml: YuNet ['y.onnx'] on CPU, trial 1/1, ETA after the first benchmark");
  EXPECT_EQ(ProgressLine::text(4, 12, "x", seconds(65), 200), "[5/12] x, ETA 1:05");
  EXPECT_EQ(ProgressLine::text(4, 12, "x", seconds(3 * 3600 + 7), 200), "[5/12] x, ETA 3:00:07");
}

TEST(ProgressLine, ALineWiderThanTheTerminalIsCutInTheDescriptionKeepingTheEta) {
  const std::string what(300, 'm');
  const std::string line = ProgressLine::text(0, 9, what, seconds(5), 60);
  EXPECT_EQ(line.size(), 59u) << line;  // one column short of the width: the cursor never wraps
  EXPECT_EQ(line.rfind("[1/9] mmm", 0), 0u) << line;
  EXPECT_EQ(line.substr(line.size() - 13), "..., ETA 0:05") << line;
}

TEST(ProgressLine, DrawsInPlaceAndErasesItselfOnClearAndAtTheEnd) {
  std::ostringstream out;
  {
    ProgressLine progress(out, 2, 80);
    progress.start("first");
    EXPECT_EQ(out.str(), "\r\033[K[1/2] first, ETA after the first benchmark");
    progress.clear();
    progress.clear();  // once is enough
    EXPECT_EQ(out.str(), "\r\033[K[1/2] first, ETA after the first benchmark\r\033[K");
    progress.start("second");
    EXPECT_NE(out.str().find("\r\033[K[2/2] second, ETA 0:0"), std::string::npos) << out.str();
  }
  const std::string text = out.str();
  EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K") << "erased when it goes out of scope";
}

}  // namespace
}  // namespace zoobench
