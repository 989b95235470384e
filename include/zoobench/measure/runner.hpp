#pragma once
// Runs one config: every selected variant on every selected backend/target, per loader image size,
// with warm-up and timed repeats; each stage timed separately. Produces one RunRecord per
// (variant, backend/target, image size), or one record that says why nothing could run.
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zoobench/plan/backend.hpp"
#include "zoobench/catalog/catalog.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/measure/record.hpp"

namespace zoobench {

struct RunOptions {
  std::optional<int> warmup;             // overrides metric.warmup
  std::optional<int> repeat;             // overrides metric.repeat
  std::vector<int> backend_targets;      // zoo indices; empty = the config's backend/target
  std::set<Precision> precisions;        // empty = all
  std::vector<std::string> model_exclude;  // substrings of model file paths
  std::filesystem::path models_dir;
  std::filesystem::path data_dir;
};

class Runner {
 public:
  using RecordSink = std::function<void(const RunRecord&)>;
  using WarningSink = std::function<void(const std::string&)>;

  Runner(RunOptions options, RecordSink on_record, WarningSink on_warning);

  void run(const BenchmarkConfig& config);

  // The record for a config file that could not be loaded at all.
  static RunRecord config_failure(const std::filesystem::path& file, const std::string& message);

 private:
  std::vector<BackendTarget> backend_targets_for(const BenchmarkConfig& config) const;
  std::vector<ModelVariant> selected_variants(const Family& family) const;
  void run_variant(const BenchmarkConfig& config, const Family& family, const ModelVariant& variant,
                   const BackendTarget& backend_target, const std::vector<struct InputGroup>& inputs);

  RunOptions m_options;
  RecordSink m_on_record;
  WarningSink m_on_warning;
};

}  // namespace zoobench
