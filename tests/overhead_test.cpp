// zoo-bench-overhead end to end on the real YuNet: it alternates both sides call by call, writes what it
// measured, and refuses to call a figure below 1% without an interval or a verified placement.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

const fs::path kYunet = test::shared_models() / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx";
const fs::path kImage = test::shared_data() / "images" / "lena.jpg";

test::CommandResult run_overhead(const std::string& args) {
  return test::run_command(fmt::format("'{}' {}", ZOO_BENCH_OVERHEAD_BINARY, args));
}

TEST(Overhead, AlternatesCallByCallAndWritesThePairedRatioOfWhatItMeasured) {
  if (!fs::exists(kYunet) || !fs::exists(kImage)) GTEST_SKIP() << "real model or image not found";
  const fs::path json_file = test::scratch_dir() / "overhead.json";
  const auto r = run_overhead(fmt::format("--model '{}' --image '{}' --rounds 4 --repeat 3 --warmup 1 --json '{}'",
                                          kYunet.string(), kImage.string(), json_file.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("net input 1x3x512x512"), std::string::npos) << r.output;
  std::ifstream in(json_file);
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["rounds"].size(), 4u);
  // The bare call follows its zoo-bench call in odd rounds and precedes it in even ones.
  EXPECT_EQ(j["rounds"][0]["bare_call"], "after");
  EXPECT_EQ(j["rounds"][1]["bare_call"], "before");
  for (const auto& round : j["rounds"]) {
    EXPECT_EQ(round["pairs"], 3) << round;
    const double bare = round["bare_median_ms"], zoo = round["zoo_infer_median_ms"];
    EXPECT_GT(bare, 0.0);
    EXPECT_GT(zoo, 0.0);
    EXPECT_DOUBLE_EQ(round["ratio"].get<double>(), zoo / bare);
  }
  EXPECT_EQ(j["pairs"], 12);
  ASSERT_TRUE(j["ratio_ci95"].is_array()) << j;
  EXPECT_LE(j["ratio_ci95"][0].get<double>(), j["ratio"].get<double>());
  EXPECT_LE(j["ratio"].get<double>(), j["ratio_ci95"][1].get<double>());
  EXPECT_EQ(j["placement"], "CPU");
  // The verdict follows the interval: met only when its upper end is below 1.01.
  const bool met = j["ratio_ci95"][1].get<double>() < 1.01;
  EXPECT_EQ(j["verdict"].get<std::string>().rfind(met ? "target met" : "not shown", 0), 0u) << j["verdict"];
}

TEST(Overhead, TheInputSizeOptionResizesTheImageAsTheZoosConfigDoes) {
  if (!fs::exists(kYunet) || !fs::exists(kImage)) GTEST_SKIP() << "real model or image not found";
  const fs::path json_file = test::scratch_dir() / "overhead_160.json";
  const auto r = run_overhead(fmt::format("--model '{}' --image '{}' --input-size 160x120 --rounds 2 --repeat 2 "
                                          "--warmup 1 --json '{}'",
                                          kYunet.string(), kImage.string(), json_file.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // YuNet pads its input to a multiple of 32, as the zoo's does.
  EXPECT_NE(r.output.find("image 160x120, net input 1x3x128x160"), std::string::npos) << r.output;
  std::ifstream in(json_file);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["input_size"], "160x120");
  // Too few pairs for a bootstrap interval: never "target met".
  EXPECT_TRUE(j["ratio_ci95"].is_null()) << j;
  EXPECT_EQ(j["verdict"].get<std::string>().rfind("not shown (too few pairs or rounds", 0), 0u) << j["verdict"];
}

TEST(Overhead, AMalformedInputSizeIsAUsageErrorNamingTheOption) {
  if (!fs::exists(kYunet) || !fs::exists(kImage)) GTEST_SKIP() << "real model or image not found";
  const auto r = run_overhead(fmt::format("--model '{}' --image '{}' --input-size 160by120", kYunet.string(),
                                          kImage.string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--input-size '160by120': expected WIDTHxHEIGHT"), std::string::npos) << r.output;
}

TEST(Overhead, AGpuTargetThatDidNotVerifiablyRunThereIsUnverified) {
  if (!fs::exists(kYunet) || !fs::exists(kImage)) GTEST_SKIP() << "real model or image not found";
  // On a machine without a usable CUDA target OpenCV falls back to the CPU (or fails): never a GPU figure.
  const auto r = run_overhead(fmt::format("--model '{}' --image '{}' --backend-target 1 --rounds 2 --repeat 2 "
                                          "--warmup 1", kYunet.string(), kImage.string()));
  if (r.exit_code == 0 && r.output.find("placement: GPU ") != std::string::npos) {
    GTEST_SKIP() << "this machine runs CUDA for real";
  }
  if (r.exit_code == 0) {
    EXPECT_NE(r.output.find("overhead: unverified (the net did not verifiably run on the requested target)"),
              std::string::npos)
        << r.output;
  } else {
    EXPECT_NE(r.output.find("zoo-bench-overhead: error: "), std::string::npos) << r.output;
  }
}

TEST(Overhead, AKeptZooModelFaultsNoFreshPagesInOnceWarm) {
  if (!fs::exists(kYunet) || !fs::exists(kImage)) GTEST_SKIP() << "real model or image not found";
  if (std::getenv("ZOO_BENCH_MALLOC") != nullptr) GTEST_SKIP() << "ZOO_BENCH_MALLOC is set";
  const fs::path json_file = test::scratch_dir() / "overhead_keep.json";
  const auto r = run_overhead(fmt::format("--model '{}' --image '{}' --rounds 3 --repeat 3 --warmup 1 --zoo-keep "
                                          "--threads 2 --json '{}'",
                                          kYunet.string(), kImage.string(), json_file.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("diagnosis: zoo-bench model built once and kept"), std::string::npos) << r.output;
  std::ifstream in(json_file);
  const nlohmann::json j = nlohmann::json::parse(in);
  // A sanitizer's allocator replaces glibc's: mallopt is refused there and there is nothing to pin.
  if (j["heap"].get<std::string>().find("mallopt refused") != std::string::npos) GTEST_SKIP() << j["heap"];
  EXPECT_NE(j["heap"].get<std::string>().find("pinned"), std::string::npos) << j;
  ASSERT_EQ(j["rounds"].size(), 3u);
  // Warm by round 2: neither side's calls fault fresh pages in (heap.hpp); one re-faulted scratch
  // buffer of YuNet's forward alone is ~1,000 pages a call.
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_LT(j["rounds"][i]["zoo_minor_faults_per_call"].get<double>(), 50.0) << j;
    EXPECT_LT(j["rounds"][i]["bare_minor_faults_per_call"].get<double>(), 50.0) << j;
  }
}

TEST(Overhead, TheBareNetCanBeReadAfreshEveryRound) {
  if (!fs::exists(kYunet) || !fs::exists(kImage)) GTEST_SKIP() << "real model or image not found";
  const auto r = run_overhead(fmt::format("--model '{}' --image '{}' --rounds 3 --repeat 2 --warmup 1 --bare-reload",
                                          kYunet.string(), kImage.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("diagnosis: bare net read afresh every round"), std::string::npos) << r.output;
}

TEST(Overhead, BadArgumentsAreUsageErrors) {
  const auto r = run_overhead("--model /no/such.onnx --image /no/such.jpg");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/no/such.onnx"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace zoobench
