#include "zoobench/config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "zoobench/error.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

std::string where(const fs::path& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file.string();
  return fmt::format("{}:{}", file.string(), mark.line + 1);
}

[[noreturn]] void fail(const fs::path& file, const YAML::Node& node, const std::string& key,
                       const std::string& what) {
  throw ConfigError(fmt::format("{}: key '{}' {}", where(file, node), key, what));
}

template <typename T>
T read_as(const fs::path& file, const YAML::Node& node, const std::string& key, const char* type_name) {
  if (!node.IsScalar()) fail(file, node, key, fmt::format("must be {}", type_name));
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    fail(file, node, key, fmt::format("must be {}, got '{}'", type_name, node.Scalar()));
  }
}

void warn_unknown(const fs::path& file, const YAML::Node& map, const std::string& section,
                  const std::set<std::string>& known, std::vector<std::string>& warnings) {
  for (const auto& item : map) {
    // A key that is a list or a mapping (YAML allows "? [a, b]") is no name the zoo's schema has.
    if (!item.first.IsScalar()) {
      throw ConfigError(fmt::format("{}: a key in '{}' is a list or mapping; keys must be plain names",
                                    where(file, item.first), section.empty() ? "the top level" : section));
    }
    const auto key = item.first.Scalar();
    if (known.count(key) == 0) {
      warnings.push_back(fmt::format("{}: unknown key '{}{}' ignored", where(file, item.first), section, key));
    }
  }
}

YAML::Node require_map(const fs::path& file, const YAML::Node& parent, const std::string& key,
                       const std::string& full_key) {
  const YAML::Node node = parent[key];
  if (!node) {
    throw ConfigError(fmt::format("{}: missing required key '{}'", where(file, parent), full_key));
  }
  if (!node.IsMap()) fail(file, node, full_key, "must be a mapping");
  return node;
}

cv::Size parse_size(const fs::path& file, const YAML::Node& node) {
  if (!node.IsSequence() || node.size() != 2) fail(file, node, "Benchmark.data.sizes", "entries must be [w, h]");
  const int w = read_as<int>(file, node[0], "Benchmark.data.sizes", "an integer");
  const int h = read_as<int>(file, node[1], "Benchmark.data.sizes", "an integer");
  if (w < 0 || h < 0) fail(file, node, "Benchmark.data.sizes", "entries must not be negative");
  return {w, h};
}

DataConfig parse_data(const fs::path& file, const YAML::Node& node, std::vector<std::string>& warnings) {
  DataConfig data;
  warn_unknown(file, node, "Benchmark.data.", {"type", "path", "files", "sizes", "toRGB", "centerCrop"}, warnings);
  if (node["type"]) data.type = read_as<std::string>(file, node["type"], "Benchmark.data.type", "a string");
  if (!node["path"]) throw ConfigError(fmt::format("{}: missing required key 'Benchmark.data.path'", where(file, node)));
  data.path = read_as<std::string>(file, node["path"], "Benchmark.data.path", "a string");
  if (const YAML::Node files = node["files"]) {
    if (!files.IsSequence()) fail(file, files, "Benchmark.data.files", "must be a list of file names");
    for (const auto& f : files) data.files.push_back(read_as<std::string>(file, f, "Benchmark.data.files", "a file name"));
  }
  if (const YAML::Node sizes = node["sizes"]) {
    if (!sizes.IsSequence()) fail(file, sizes, "Benchmark.data.sizes", "must be a list of [w, h]");
    for (const auto& s : sizes) data.sizes.push_back(parse_size(file, s));
  }
  if (node["toRGB"]) data.to_rgb = read_as<bool>(file, node["toRGB"], "Benchmark.data.toRGB", "true or false");
  if (node["centerCrop"]) {
    const int crop = read_as<int>(file, node["centerCrop"], "Benchmark.data.centerCrop", "an integer");
    if (crop <= 0) fail(file, node["centerCrop"], "Benchmark.data.centerCrop", "must be positive");
    data.center_crop = crop;
  }
  if (data.sizes.empty()) data.sizes.push_back({0, 0});
  return data;
}

MetricConfig parse_metric(const fs::path& file, const YAML::Node& node, std::vector<std::string>& warnings) {
  MetricConfig metric;
  warn_unknown(file, node, "Benchmark.metric.", {"type", "warmup", "repeat", "reduction"}, warnings);
  if (node["type"]) metric.type = read_as<std::string>(file, node["type"], "Benchmark.metric.type", "a string");
  if (node["warmup"]) metric.warmup = read_as<int>(file, node["warmup"], "Benchmark.metric.warmup", "an integer");
  if (node["repeat"]) metric.repeat = read_as<int>(file, node["repeat"], "Benchmark.metric.repeat", "an integer");
  if (metric.warmup < 0) fail(file, node["warmup"], "Benchmark.metric.warmup", "must not be negative");
  if (metric.repeat < 1) fail(file, node["repeat"], "Benchmark.metric.repeat", "must be at least 1");
  if (node["reduction"]) {
    warnings.push_back(fmt::format("{}: legacy key 'Benchmark.metric.reduction' ignored (zoo-bench reports "
                                   "median, mean and min)", where(file, node["reduction"])));
  }
  return metric;
}

}  // namespace

ModelParams::ModelParams(fs::path file, YAML::Node model_node)
    : m_file(std::move(file)), m_node(std::move(model_node)) {}

YAML::Node ModelParams::lookup(const std::string& key) const {
  m_read.insert(key);
  if (!m_node || !m_node.IsMap()) return YAML::Node();
  return m_node[key];
}

bool ModelParams::has(const std::string& key) const { return static_cast<bool>(lookup(key)); }

double ModelParams::number(const std::string& key, double fallback) const {
  const YAML::Node node = lookup(key);
  return node ? read_as<double>(m_file, node, "Model." + key, "a number") : fallback;
}

int ModelParams::integer(const std::string& key, int fallback) const {
  const YAML::Node node = lookup(key);
  return node ? read_as<int>(m_file, node, "Model." + key, "an integer") : fallback;
}

bool ModelParams::flag(const std::string& key, bool fallback) const {
  const YAML::Node node = lookup(key);
  return node ? read_as<bool>(m_file, node, "Model." + key, "true or false") : fallback;
}

std::string ModelParams::text(const std::string& key, const std::string& fallback) const {
  const YAML::Node node = lookup(key);
  return node ? read_as<std::string>(m_file, node, "Model." + key, "a string") : fallback;
}

std::vector<std::string> ModelParams::unused_keys() const {
  std::vector<std::string> unused;
  if (!m_node || !m_node.IsMap()) return unused;
  for (const auto& item : m_node) {
    const auto key = item.first.as<std::string>();
    if (key != "name" && m_read.count(key) == 0) unused.push_back(key);
  }
  return unused;
}

std::string BenchmarkConfig::loader_kind() const {
  if (!data.type.empty()) return data.type;
  return type;
}

std::string BenchmarkConfig::metric_kind() const {
  if (!metric.type.empty()) return metric.type;
  // The zoo's Classification type uses the Base metric.
  if (type == "Classification") return "Base";
  return type;
}

namespace {
BenchmarkConfig parse_yaml(const std::string& text, const fs::path& file);
}  // namespace

BenchmarkConfig load_config(const fs::path& file) {
  if (!fs::is_regular_file(file)) {
    throw ConfigError(fmt::format("{}: config file not found (list them with --list; pass a path with --cfg)",
                                  file.string()));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) throw ConfigError(fmt::format("{}: cannot read the config file", file.string()));
  return parse_config(text.str(), file);
}

BenchmarkConfig parse_config(const std::string& text, const fs::path& file) {
  // Every yaml-cpp error is a config error naming the file and line, wherever the parsing met it.
  try {
    return parse_yaml(text, file);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}: {}", file.string(), e.mark.line + 1, e.msg));
  }
}

namespace {

BenchmarkConfig parse_yaml(const std::string& text, const fs::path& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}: invalid YAML: {}", file.string(), e.mark.line + 1, e.msg));
  }
  if (!root.IsMap()) {
    throw ConfigError(fmt::format("{}: expected a mapping with keys 'Benchmark' and 'Model'", file.string()));
  }

  BenchmarkConfig config;
  config.file = file;
  warn_unknown(file, root, "", {"Benchmark", "Model"}, config.warnings);

  const YAML::Node bench = require_map(file, root, "Benchmark", "Benchmark");
  warn_unknown(file, bench, "Benchmark.", {"name", "type", "data", "metric", "backend", "target"}, config.warnings);
  if (bench["name"]) config.name = read_as<std::string>(file, bench["name"], "Benchmark.name", "a string");
  if (bench["type"]) config.type = read_as<std::string>(file, bench["type"], "Benchmark.type", "a string");
  static const std::set<std::string> kTypes = {"Base", "Detection", "Recognition", "Classification", "Tracking"};
  if (kTypes.count(config.type) == 0) {
    fail(file, bench["type"], "Benchmark.type",
         fmt::format("has unknown value '{}': use Base, Detection, Recognition, Classification or Tracking",
                     config.type));
  }
  config.data = parse_data(file, require_map(file, bench, "data", "Benchmark.data"), config.warnings);
  config.metric = parse_metric(file, require_map(file, bench, "metric", "Benchmark.metric"), config.warnings);
  if (bench["backend"]) config.backend = read_as<std::string>(file, bench["backend"], "Benchmark.backend", "a string");
  if (bench["target"]) config.target = read_as<std::string>(file, bench["target"], "Benchmark.target", "a string");

  const YAML::Node model = require_map(file, root, "Model", "Model");
  if (!model["name"]) throw ConfigError(fmt::format("{}: missing required key 'Model.name'", where(file, model)));
  config.model_name = read_as<std::string>(file, model["name"], "Model.name", "a string");
  config.params = ModelParams(file, model);
  return config;
}

}  // namespace

std::vector<fs::path> list_config_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  if (ec) throw ConfigError(fmt::format("{}: cannot read config folder: {} (set it with --configs-dir)", dir.string(), ec.message()));
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

}  // namespace zoobench
