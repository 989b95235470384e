#include "zoobench/cli/app.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <fstream>
#include <set>

#include <opencv2/core.hpp>

#include "zoobench/device/build_info.hpp"
#include "zoobench/catalog/catalog.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/device/doctor.hpp"
#include "zoobench/error.hpp"
#include "zoobench/config/paths.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/measure/runner.hpp"
#include "zoobench/report/table.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The config files the options select, in run order.
std::vector<fs::path> select_configs(const BenchOptions& options) {
  std::vector<fs::path> files;
  if (!options.configs.empty()) {
    for (const auto& c : options.configs) files.emplace_back(c);
    return files;
  }
  const fs::path dir = resolve_dir(Resource::Configs, options.configs_dir);
  if (!fs::is_directory(dir)) {
    throw ConfigError(fmt::format("{}: configs folder not found; pass --configs-dir or set {}", dir.string(),
                                  env_var_for(Resource::Configs)));
  }
  const std::vector<std::string> excludes = split_list(lower(options.cfg_exclude));
  for (const auto& file : list_config_files(dir)) {
    const std::string name = lower(file.filename().string());
    const bool excluded = std::any_of(excludes.begin(), excludes.end(),
                                      [&](const std::string& e) { return name.find(e) != std::string::npos; });
    if (!excluded) files.push_back(file);
  }
  if (files.empty()) throw ConfigError(fmt::format("{}: no config files selected (check --cfg-exclude)", dir.string()));
  return files;
}

RunOptions make_run_options(const BenchOptions& options) {
  RunOptions run;
  run.warmup = options.warmup;
  run.repeat = options.repeat;
  run.backend_targets = options.backend_targets;
  if (options.fp32) run.precisions.insert(Precision::FP32);
  if (options.fp16) run.precisions.insert(Precision::FP16);
  if (options.int8) run.precisions.insert(Precision::INT8);
  if (options.int8bq) run.precisions.insert(Precision::INT8BQ);
  run.model_exclude = split_list(options.model_exclude);
  run.models_dir = resolve_dir(Resource::Models, options.models_dir);
  run.data_dir = resolve_dir(Resource::Data, options.data_dir);
  return run;
}

}  // namespace

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  for (char ch : text) {
    if (ch == separator) {
      if (!part.empty()) parts.push_back(part);
      part.clear();
    } else {
      part += ch;
    }
  }
  if (!part.empty()) parts.push_back(part);
  return parts;
}

int exit_code_for(const std::vector<RunRecord>& records) {
  bool incomplete = false;
  for (const auto& r : records) {
    if (r.status == Status::Failed) return kExitFailed;
    if (r.status != Status::Ok) incomplete = true;
  }
  return incomplete ? kExitIncomplete : kExitOk;
}

std::vector<std::string> cuda_requirement_failures(const std::vector<RunRecord>& records) {
  std::vector<std::string> failures;
  for (const auto& r : records) {
    if (!r.backend_target.is_cuda()) continue;
    const std::string what = fmt::format("{} {} on {}", r.model, r.file_list, r.backend_target.name);
    if (r.status == Status::Failed) failures.push_back(fmt::format("{}: failed: {}", what, r.message));
    else if (r.status == Status::Ok && r.device.fell_back()) failures.push_back(fmt::format("{}: {}", what, r.device.describe()));
    else if (r.status == Status::Ok && !r.device.verified()) failures.push_back(fmt::format("{}: placement not checked", what));
  }
  return failures;
}

int run_doctor_command(const std::string& json_file, std::ostream& out) {
  const DoctorReport report = run_doctor();
  print_doctor(report, out);
  if (!json_file.empty()) {
    std::ofstream file(json_file);
    if (!file) throw Error(fmt::format("{}: cannot write the doctor report", json_file));
    file << doctor_json(report);
  }
  return report.cuda_usable() ? kExitOk : kExitNoCuda;
}

int run_benchmarks(const BenchOptions& options, const std::string& command_line, std::ostream& out,
                   std::ostream& err) {
  if (options.require_cuda &&
      std::none_of(options.backend_targets.begin(), options.backend_targets.end(), [](int i) { return i == 1 || i == 2; })) {
    throw ConfigError("--require-cuda needs a CUDA target: add --backend-target 1, 2 or 1,2");
  }
  const std::vector<fs::path> config_files = select_configs(options);
  const RunOptions run_options = make_run_options(options);

  ReportContext context;
  context.zoo_bench_version = ZOO_BENCH_VERSION;
  context.opencv_version = CV_VERSION;
  context.opencv_cuda = opencv_cuda_summary(cv::getBuildInformation());
  context.command_line = command_line;
  context.started_at = utc_timestamp();
  context.host = host_name();
  context.cpu = cpu_model_name();
  for (int index : options.backend_targets) context.backend_targets.push_back(backend_target_at(index));

  std::vector<std::unique_ptr<Reporter>> reporters;
  reporters.push_back(make_console_reporter(out));
  if (!options.json_file.empty()) reporters.push_back(make_file_reporter("json", options.json_file));
  if (!options.csv_file.empty()) reporters.push_back(make_file_reporter("csv", options.csv_file));
  if (!options.markdown_file.empty()) reporters.push_back(make_file_reporter("markdown", options.markdown_file));
  for (auto& reporter : reporters) reporter->begin(context);

  std::vector<RunRecord> records;
  auto on_record = [&](const RunRecord& record) {
    records.push_back(record);
    for (auto& reporter : reporters) reporter->report(record);
  };
  auto on_warning = [&](const std::string& warning) { fmt::print(err, "zoo-bench: warning: {}\n", warning); };
  Runner runner(run_options, on_record, on_warning);

  const bool single = options.configs.size() == 1 && !options.all;
  for (const auto& file : config_files) {
    BenchmarkConfig config;
    try {
      config = load_config(file);
    } catch (const ConfigError& e) {
      if (single) throw;  // one named config: a usage error, exit 2
      on_record(Runner::config_failure(file, e.what()));
      continue;
    }
    try {
      runner.run(config);
    } catch (const ConfigError& e) {
      if (single) throw;
      on_record(Runner::config_failure(file, e.what()));
    }
  }
  for (auto& reporter : reporters) reporter->finish(records);
  if (options.require_cuda) {
    const std::vector<std::string> failures = cuda_requirement_failures(records);
    for (const auto& f : failures) fmt::print(err, "zoo-bench: --require-cuda: {}\n", f);
    if (!failures.empty()) return kExitNoCuda;
  }
  return exit_code_for(records);
}

int list_configs(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  const std::vector<fs::path> config_files = select_configs(options);
  const fs::path models_dir = resolve_dir(Resource::Models, options.models_dir);
  fmt::print(out, "configs: {}\nmodels:  {}\n\n", config_files.empty() ? "-" : config_files.front().parent_path().string(),
             models_dir.string());
  Table table({"config", "model", "task", "precision", "file", "status"});
  int problems = 0;
  for (const auto& file : config_files) {
    BenchmarkConfig config;
    try {
      config = load_config(file);
    } catch (const ConfigError& e) {
      fmt::print(err, "zoo-bench: error: {}\n", e.what());
      ++problems;
      continue;
    }
    const std::string name = file.filename().string();
    const Family* family = find_family(config.model_name);
    if (family == nullptr) {
      table.add_row({name, config.model_name, "-", "-", "-", "unknown family"});
      continue;
    }
    const std::string implemented =
        family->factory || family->tracker_factory ? "" : " (family not implemented yet)";
    const auto variants = discover_variants(*family, models_dir);
    std::set<std::string> found;
    for (const auto& v : variants) {
      for (const auto& f : v.files) {
        found.insert(f.filename().string());
        table.add_row({name, family->name, family->task, precision_name(v.precision),
                       family->folder + "/" + f.filename().string(), "present" + implemented});
      }
    }
    for (const auto& expected : family->expected_files) {
      if (found.count(expected) == 0) {
        table.add_row({name, family->name, family->task, precision_name(precision_of(expected)),
                       family->folder + "/" + expected, "absent" + implemented});
      }
    }
  }
  fmt::print(out, "{}", table.to_text());
  return problems > 0 ? kExitUsage : kExitOk;
}

}  // namespace zoobench
