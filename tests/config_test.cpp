#include <gtest/gtest.h>

#include "test_support.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/error.hpp"

namespace zoobench {
namespace {

using test::scratch_dir;
using test::write_file;

// The zoo's own face_detection_yunet.yaml, unchanged (fixed file list, legacy keys absent).
constexpr const char* kZooYunet = R"(Benchmark:
  name: "Face Detection Benchmark"
  type: "Detection"
  data:
    path: "data/face_detection"
    files: ["group.jpg", "concerts.jpg", "dance.jpg"]
    sizes: # [[w1, h1], ...], Omit to run at original scale
      - [160, 120]
  metric:
    warmup: 30
    repeat: 10
  backend: "default"
  target: "cpu"

Model:
  name: "YuNet"
  confThreshold: 0.6
  nmsThreshold: 0.3
  topK: 5000
)";

std::string error_of(const std::string& yaml) {
  const auto file = write_file(scratch_dir() / "bad.yaml", yaml);
  try {
    load_config(file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, LoadsTheZoosOwnYaml) {
  const auto file = write_file(scratch_dir() / "face_detection_yunet.yaml", kZooYunet);
  const BenchmarkConfig c = load_config(file);
  EXPECT_EQ(c.name, "Face Detection Benchmark");
  EXPECT_EQ(c.type, "Detection");
  EXPECT_EQ(c.data.path, "data/face_detection");
  EXPECT_EQ(c.data.files, (std::vector<std::string>{"group.jpg", "concerts.jpg", "dance.jpg"}));
  ASSERT_EQ(c.data.sizes.size(), 1u);
  EXPECT_EQ(c.data.sizes[0], cv::Size(160, 120));
  EXPECT_EQ(c.metric.warmup, 30);
  EXPECT_EQ(c.metric.repeat, 10);
  EXPECT_EQ(c.model_name, "YuNet");
  EXPECT_DOUBLE_EQ(c.params.number("confThreshold", 0), 0.6);
  EXPECT_EQ(c.params.integer("topK", 0), 5000);
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.metric_kind(), "Detection");
}

TEST(Config, EveryShippedConfigLoads) {
  const auto files = list_config_files(test::source_dir() / "configs");
  // One per OpenCV Zoo benchmark config, and DaSiamRPN and PP-OCRv4 (not in the zoo).
  ASSERT_EQ(files.size(), 20u);
  for (const auto& file : files) {
    const BenchmarkConfig c = load_config(file);
    EXPECT_TRUE(c.warnings.empty()) << file << ": " << c.warnings.front();
    EXPECT_NE(find_family(c.model_name), nullptr) << file << " names unknown family " << c.model_name;
  }
}

TEST(Config, DefaultsFollowTheZoo) {
  const auto file = write_file(scratch_dir() / "min.yaml",
                               "Benchmark:\n  data:\n    path: data/x\n  metric:\n    repeat: 5\nModel:\n  name: YuNet\n");
  const BenchmarkConfig c = load_config(file);
  EXPECT_EQ(c.type, "Base");
  EXPECT_EQ(c.metric.warmup, 3);
  EXPECT_EQ(c.metric.repeat, 5);
  EXPECT_EQ(c.backend, "default");
  EXPECT_EQ(c.target, "cpu");
  EXPECT_EQ(c.data.sizes, (std::vector<cv::Size>{{0, 0}}));
}

TEST(Config, ClassificationUsesTheBaseMetricAndKeepsLoaderOptions) {
  const auto file = write_file(scratch_dir() / "cls.yaml", R"(Benchmark:
  type: Classification
  data: {path: data/image_classification, sizes: [[256, 256]], toRGB: True, centerCrop: 224}
  metric: {warmup: 1, repeat: 2}
Model: {name: MobileNet}
)");
  const BenchmarkConfig c = load_config(file);
  EXPECT_EQ(c.loader_kind(), "Classification");
  EXPECT_EQ(c.metric_kind(), "Base");
  EXPECT_TRUE(c.data.to_rgb);
  EXPECT_EQ(c.data.center_crop.value_or(0), 224);
}

TEST(Config, UnknownKeysAreWarningsWithLineNumbers) {
  const auto file = write_file(scratch_dir() / "w.yaml", R"(Benchmark:
  data:
    path: data/x
    colour: blue
  metric:
    repeat: 2
    reduction: median
  speed: fast
Model:
  name: YuNet
)");
  const BenchmarkConfig c = load_config(file);
  ASSERT_EQ(c.warnings.size(), 3u);
  EXPECT_NE(c.warnings[0].find("w.yaml:8: unknown key 'Benchmark.speed'"), std::string::npos) << c.warnings[0];
  EXPECT_NE(c.warnings[1].find("w.yaml:4: unknown key 'Benchmark.data.colour'"), std::string::npos) << c.warnings[1];
  EXPECT_NE(c.warnings[2].find("w.yaml:7: legacy key 'Benchmark.metric.reduction'"), std::string::npos) << c.warnings[2];
}

TEST(Config, MissingRequiredKeysNameTheKey) {
  EXPECT_NE(error_of("Model:\n  name: YuNet\n").find("missing required key 'Benchmark'"), std::string::npos);
  EXPECT_NE(error_of("Benchmark:\n  metric: {repeat: 1}\nModel: {name: YuNet}\n").find("missing required key 'Benchmark.data'"),
            std::string::npos);
  EXPECT_NE(error_of("Benchmark:\n  data: {path: x}\n  metric: {repeat: 1}\nModel: {topK: 3}\n")
                .find("missing required key 'Model.name'"),
            std::string::npos);
  EXPECT_NE(error_of("Benchmark:\n  data: {files: [a.jpg]}\n  metric: {repeat: 1}\nModel: {name: YuNet}\n")
                .find("'Benchmark.data.path'"),
            std::string::npos);
}

TEST(Config, WrongTypesNameFileKeyAndLine) {
  const std::string e = error_of("Benchmark:\n  data:\n    path: x\n  metric:\n    repeat: ten\nModel: {name: YuNet}\n");
  EXPECT_NE(e.find("bad.yaml:5: key 'Benchmark.metric.repeat' must be an integer, got 'ten'"), std::string::npos) << e;
  const std::string sizes = error_of("Benchmark:\n  data:\n    path: x\n    sizes: [[1, 2, 3]]\n  metric: {repeat: 1}\nModel: {name: YuNet}\n");
  EXPECT_NE(sizes.find("'Benchmark.data.sizes' entries must be [w, h]"), std::string::npos) << sizes;
  const std::string type = error_of("Benchmark:\n  type: Segmentation\n  data: {path: x}\n  metric: {repeat: 1}\nModel: {name: YuNet}\n");
  EXPECT_NE(type.find("bad.yaml:2: key 'Benchmark.type' has unknown value 'Segmentation'"), std::string::npos) << type;
  const std::string repeat = error_of("Benchmark:\n  data: {path: x}\n  metric: {repeat: 0}\nModel: {name: YuNet}\n");
  EXPECT_NE(repeat.find("'Benchmark.metric.repeat' must be at least 1"), std::string::npos) << repeat;
}

TEST(Config, BrokenYamlNamesTheLine) {
  const std::string e = error_of("Benchmark:\n  data: [unclosed\nModel:\n");
  EXPECT_NE(e.find("bad.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
  EXPECT_NE(error_of("- just\n- a list\n").find("expected a mapping"), std::string::npos);
}

TEST(Config, ModelParamTypeErrorsNameTheKey) {
  const auto file = write_file(scratch_dir() / "p.yaml",
                               "Benchmark: {data: {path: x}, metric: {repeat: 1}}\nModel:\n  name: YuNet\n  topK: many\n");
  const BenchmarkConfig c = load_config(file);
  try {
    c.params.integer("topK", 1);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("p.yaml:4: key 'Model.topK' must be an integer, got 'many'"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(c.params.unused_keys().empty());
}

TEST(Config, MissingFileIsAClearError) {
  try {
    load_config("/nonexistent/zoo.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/zoo.yaml: config file not found"), std::string::npos);
  }
}

}  // namespace
}  // namespace zoobench
