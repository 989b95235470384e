#pragma once
// The plan: configs x variants x backend/targets x trials -> a list of fully resolved items, each
// with its model files, its input sizes and, when it cannot run, the reason. The measurement core only
// executes items; `--dry-run` prints them. Trials interleave the backend/targets (A B C A B C ...) so
// that drift on the machine hits every target alike.
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/input/images.hpp"
#include "zoobench/measure/measurable.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/plan/backend.hpp"

namespace zoobench {

struct PlanOptions {
  std::optional<int> warmup;               // overrides metric.warmup
  std::optional<int> repeat;               // overrides metric.repeat
  std::vector<int> backend_targets;        // zoo indices; empty = the config's backend/target
  std::optional<int> trials;               // default: 3 when an accelerator is selected (speed-ups), else 1
  bool cpu_baseline = true;                // add the CPU to selections without it (speed-ups need it)
  std::set<Precision> precisions;          // empty = all
  std::vector<std::string> model_exclude;  // substrings of model file paths
  std::filesystem::path models_dir;
  std::filesystem::path data_dir;
};

constexpr int kDefaultTrialsMultiTarget = 3;

struct PlanItem {
  std::shared_ptr<const BenchmarkConfig> config;  // null when the config file itself failed to load
  std::string config_name;                        // file name
  const Family* family = nullptr;                 // null when the family is unknown
  ModelVariant variant;
  BackendTarget backend_target;
  bool added_as_baseline = false;                 // the CPU, added because the selection lacked it
  int trial = 1;
  int trials = 1;
  Timing timing;
  std::shared_ptr<const std::vector<InputGroup>> inputs;  // loaded once per config, shared by its items
  // Runnable when status is Ok; otherwise the record that says why, as it will be reported.
  Status status = Status::Ok;
  std::string reason;

  bool runnable() const { return status == Status::Ok; }
  std::string sizes_text() const;  // "[640, 480] [1280, 720]" or "-"
};

struct Plan {
  std::vector<PlanItem> items;
  std::vector<std::string> warnings;  // config warnings (unknown keys), in config order
};

// Builds the plan for the config files, in order. A config that cannot be loaded becomes one failed
// item, unless `strict` (a single named config), when its ConfigError propagates (usage error, exit 2).
Plan make_plan(const std::vector<std::filesystem::path>& config_files, const PlanOptions& options, bool strict);

// Adds one config's items for `family` (null: unknown family, items say so). make_plan looks the
// family up by Model.name; tests pass their own.
void plan_benchmark(const std::shared_ptr<const BenchmarkConfig>& config, const Family* family,
                    const PlanOptions& options, Plan& plan);

// Whether --model-exclude names this model file.
bool excluded_by_name(const std::filesystem::path& file, const PlanOptions& options);

// Whether --fp32/--fp16/--int8/--int8bq and --model-exclude keep a model file of this precision.
bool file_selected(const std::filesystem::path& file, Precision precision, const PlanOptions& options);

// A family with no model file on disk that the selection would run: its items are reported missing.
bool family_absent(const Family& family, const PlanOptions& options);

// The family's model variants under options.models_dir that the selection keeps (also what --list shows).
std::vector<ModelVariant> selected_variants(const Family& family, const PlanOptions& options);

// The record a non-runnable item reports.
RunRecord record_for_unrunnable(const PlanItem& item);

// The fields every record of an item starts from.
RunRecord base_record(const PlanItem& item);

}  // namespace zoobench
