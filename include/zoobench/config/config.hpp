#pragma once
// OpenCV Zoo benchmark YAML (benchmark/config/*.yaml) -> typed structs. The zoo's own files load
// unchanged. Unknown keys are warnings; a wrong type or a missing required key is a ConfigError that
// names the file, the key and the line.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace zoobench {

struct DataConfig {
  std::string type;                 // explicit loader class (e.g. TrackingVideoLoader); empty = from Benchmark.type
  std::string path;                 // as written, e.g. "data/face_detection"
  std::vector<std::string> files;   // empty: every image in the folder
  std::vector<cv::Size> sizes;      // {0,0} = the image's own size; empty = {{0,0}}
  bool to_rgb = false;              // honoured by the Classification loader only, as in the zoo
  std::optional<int> center_crop;   // Classification loader only
};

struct MetricConfig {
  std::string type;  // explicit metric class (e.g. Tracking); empty = from Benchmark.type
  int warmup = 3;
  int repeat = 10;
};

// Model parameters (every key of `Model` but `name`), read with types; each read names file/key/line
// on error, and keys never read can be listed afterwards.
class ModelParams {
 public:
  ModelParams() = default;
  ModelParams(std::filesystem::path file, YAML::Node model_node);

  double number(const std::string& key, double fallback) const;
  int integer(const std::string& key, int fallback) const;
  bool flag(const std::string& key, bool fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  bool has(const std::string& key) const;

  // Keys present in the YAML that no family read (for warnings).
  std::vector<std::string> unused_keys() const;

 private:
  YAML::Node lookup(const std::string& key) const;
  std::filesystem::path m_file;
  YAML::Node m_node;
  mutable std::set<std::string> m_read;
};

struct BenchmarkConfig {
  std::filesystem::path file;
  std::string name;              // Benchmark.name (informational)
  std::string type = "Base";     // Base / Detection / Recognition / Classification / Tracking
  DataConfig data;
  MetricConfig metric;
  std::string backend = "default";
  std::string target = "cpu";
  std::string model_name;        // Model.name: the family (YuNet, YoloX, MobileNet, ...)
  ModelParams params;
  std::vector<std::string> warnings;  // unknown keys, ignored legacy keys

  // The loader and metric kinds after the zoo's resolution rules.
  std::string loader_kind() const;
  std::string metric_kind() const;
};

// Throws ConfigError.
BenchmarkConfig load_config(const std::filesystem::path& file);
// The same for YAML text already read; `file` names it in errors. Throws ConfigError only.
BenchmarkConfig parse_config(const std::string& text, const std::filesystem::path& file);

// Every *.yaml / *.yml in a folder, sorted by file name (the zoo's --all order).
std::vector<std::filesystem::path> list_config_files(const std::filesystem::path& dir);

}  // namespace zoobench
