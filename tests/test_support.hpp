#pragma once
// Shared test helpers: where the real models and media are, scratch folders, generated ONNX
// stand-ins, model construction from a YAML snippet, and running the CLI binary.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/models/model.hpp"

namespace zoobench::test {

namespace fs = std::filesystem;

inline fs::path shared_models() { return ZOO_BENCH_TEST_MODELS_DIR; }
inline fs::path shared_data() { return ZOO_BENCH_TEST_DATA_DIR; }
inline fs::path source_dir() { return fs::path(ZOO_BENCH_TEST_SOURCE_DIR).parent_path(); }

// A fresh, empty folder for the running test.
fs::path scratch_dir();

// Writes a text file (creating folders); returns its path.
fs::path write_file(const fs::path& path, const std::string& content);

struct TensorSpec {
  std::string name;
  std::vector<int> dims;
};

// Generates a stand-in ONNX model with tests/tools/make_onnx.py (python3-onnx). Fails the test when
// no python3 with the onnx package is found.
fs::path make_onnx(const fs::path& out, const std::vector<TensorSpec>& inputs, const std::vector<TensorSpec>& outputs);

// A classifier stand-in (1x3x224x224 -> 1x1000) named like the zoo's MobileNet v1 file, generated once per
// test process (python + onnx take a moment); tests copy it where they need it.
const fs::path& classifier_standin();

// A configs/models/data tree for CLI tests: the shipped MobileNet config, the given model files copied
// into its family folder under the given names, and one random 400x300 image.
struct ClassifierWorkspace {
  fs::path root, configs, models, data;
  std::string dirs() const;  // --configs-dir/--models-dir/--data-dir for zoo-bench
};
ClassifierWorkspace classifier_workspace(const std::vector<std::pair<fs::path, std::string>>& model_files);

// Holds the params a Model refers to, and the model.
struct BuiltModel {
  std::unique_ptr<ModelParams> params;
  std::unique_ptr<Model> model;
  Model* operator->() const { return model.get(); }
};

// Builds the family `family_name` on CPU from model files and a YAML mapping of Model params.
BuiltModel build_model(const std::string& family_name, const std::vector<fs::path>& files,
                       const std::string& params_yaml = "{}", int backend_target = 0);

// Runs preprocess/infer/postprocess once.
void run_once(Model& model, const cv::Mat& image, const cv::Mat& label_row = cv::Mat());

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Plans and runs configs as `zoo-bench` would (make_plan + Runner), collecting the records.
std::vector<RunRecord> run_configs(const std::vector<fs::path>& configs, const PlanOptions& options);
// The same for one config with a given family (e.g. a fake one).
std::vector<RunRecord> run_family(const BenchmarkConfig& config, const Family& family, const PlanOptions& options);

// Runs a shell command, stdout and stderr together.
CommandResult run_command(const std::string& command);

// Runs the zoo-bench binary with the given arguments (already shell-quoted where needed).
CommandResult run_zoo_bench(const std::string& args);
// Runs a Python script with the python3 found at configure time (arguments already quoted).
CommandResult run_python(const fs::path& script, const std::string& args);

// Runs scripts/make_data_root.sh shared_data() dst (symlinks); fails the test when it does not exit 0.
CommandResult make_data_root(const fs::path& dst);

// Skips the running test (returns true) when `what` threw ModelError(Unsupported) here: used where a
// real model imports only on some OpenCV versions.
bool unsupported_here(const std::function<void()>& what, std::string* reason);

}  // namespace zoobench::test
