#include "test_support.hpp"

#include "zoobench/error.hpp"
#include "zoobench/measure/measure.hpp"

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>

namespace zoobench::test {

fs::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = info ? fmt::format("{}.{}", info->test_suite_name(), info->name()) : "no_test";
  const fs::path dir = fs::temp_directory_path() / fmt::format("zoobench_tests_{}", ::getpid()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

namespace {

std::string dims_text(const TensorSpec& spec) {
  std::string text = spec.name + ":";
  for (std::size_t i = 0; i < spec.dims.size(); ++i) text += (i ? "x" : "") + std::to_string(spec.dims[i]);
  return text;
}

}  // namespace

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

fs::path make_onnx(const fs::path& out, const std::vector<TensorSpec>& inputs, const std::vector<TensorSpec>& outputs) {
  std::string command = fmt::format("{} {}/tests/tools/make_onnx.py '{}'", ZOO_BENCH_TEST_PYTHON,
                                    source_dir().string(), out.string());
  for (const auto& i : inputs) command += " --input " + dims_text(i);
  for (const auto& o : outputs) command += " --output " + dims_text(o);
  const CommandResult result = run_command(command);
  EXPECT_EQ(result.exit_code, 0) << "generating " << out << " failed (needs python3-onnx):\n" << result.output;
  return out;
}

const fs::path& classifier_standin() {
  static const fs::path model = [] {
    const fs::path dir = fs::temp_directory_path() / fmt::format("zoobench_classifier_standin_{}", ::getpid());
    fs::create_directories(dir);
    return make_onnx(dir / "image_classification_mobilenetv1_2022apr.onnx", {{"input", {1, 3, 224, 224}}},
                     {{"output", {1, 1000}}});
  }();
  return model;
}

std::string ClassifierWorkspace::dirs() const {
  return fmt::format("--configs-dir '{}' --models-dir '{}' --data-dir '{}'", configs.string(), models.string(),
                     data.string());
}

ClassifierWorkspace classifier_workspace(const std::vector<std::pair<fs::path, std::string>>& model_files) {
  ClassifierWorkspace w;
  w.root = scratch_dir();
  w.configs = w.root / "configs";
  w.models = w.root / "models";
  w.data = w.root / "data";
  fs::create_directories(w.configs);
  fs::copy_file(source_dir() / "configs" / "image_classification_mobilenet.yaml",
                w.configs / "image_classification_mobilenet.yaml");
  const fs::path family = w.models / "image_classification_mobilenet";
  fs::create_directories(family);
  for (const auto& [file, name] : model_files) fs::copy_file(file, family / name);
  fs::create_directories(w.data / "image_classification");
  // The config resizes to 256x256 and crops the centre 224x224: the rows say [224, 224].
  cv::Mat image(300, 400, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  EXPECT_TRUE(cv::imwrite((w.data / "image_classification" / "noise.png").string(), image));
  return w;
}

BuiltModel build_model(const std::string& family_name, const std::vector<fs::path>& files,
                       const std::string& params_yaml, int backend_target) {
  const Family* family = find_family(family_name);
  if (family == nullptr || family->is_tracker()) throw std::runtime_error("no image-model family " + family_name);
  BuiltModel built;
  built.params = std::make_unique<ModelParams>("test.yaml", YAML::Load(params_yaml));
  built.model = std::get<ModelFactory>(family->factory)(ModelContext{files, *built.params, backend_target_at(backend_target)});
  return built;
}

void run_once(Model& model, const cv::Mat& image, const cv::Mat& label_row) {
  model.preprocess(image, label_row);
  model.infer();
  model.postprocess();
}

CommandResult run_zoo_bench(const std::string& args) {
  return run_command(fmt::format("'{}' {}", ZOO_BENCH_BINARY, args));
}

CommandResult run_python(const fs::path& script, const std::string& args) {
  return run_command(fmt::format("'{}' '{}' {}", ZOO_BENCH_TEST_PYTHON, script.string(), args));
}

CommandResult make_data_root(const fs::path& dst) {
  const CommandResult result = run_command(fmt::format("bash '{}/scripts/make_data_root.sh' '{}' '{}'",
                                                       source_dir().string(), shared_data().string(), dst.string()));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result;
}

bool unsupported_here(const std::function<void()>& what, std::string* reason) {
  try {
    what();
  } catch (const ModelError& e) {
    if (e.kind() != ModelError::Kind::Unsupported) throw;
    *reason = e.what();
    return true;
  }
  return false;
}

namespace {
std::vector<RunRecord> run_plan(const Plan& plan) {
  std::vector<RunRecord> records;
  Runner runner([&](RunRecord r) { records.push_back(std::move(r)); }, [](const std::string&) {});
  for (const auto& item : plan.items) runner.run(item);
  return records;
}
}  // namespace

std::vector<RunRecord> run_configs(const std::vector<fs::path>& configs, const PlanOptions& options) {
  return run_plan(make_plan(configs, options, false));
}

std::vector<RunRecord> run_family(const BenchmarkConfig& config, const Family& family, const PlanOptions& options) {
  Plan plan;
  plan_benchmark(std::make_shared<const BenchmarkConfig>(config), &family, options, plan);
  return run_plan(plan);
}

}  // namespace zoobench::test
