#include "zoobench/plan/plan.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "zoobench/config/paths.hpp"
#include "zoobench/error.hpp"
#include "zoobench/report/json_text.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

std::vector<BackendTarget> pairs_for(const BenchmarkConfig& config, const PlanOptions& options) {
  std::vector<BackendTarget> pairs;
  for (int index : options.backend_targets) {
    const bool seen = std::any_of(pairs.begin(), pairs.end(), [&](const BackendTarget& p) { return p.index == index; });
    if (!seen) pairs.push_back(backend_target_at(index));  // "--backend-target 1,1" is one pair
  }
  if (pairs.empty()) {
    const auto from_config = backend_target_from_names(config.backend, config.target);
    if (!from_config) {
      throw ConfigError(fmt::format("{}: Benchmark.backend '{}' with Benchmark.target '{}' is not one of the zoo's "
                                    "pairs (default|opencv+cpu, cuda+cuda, cuda+cuda_fp16, timvx+npu, cann+npu)",
                                    config.file.string(), config.backend, config.target));
    }
    pairs.push_back(*from_config);
  }
  return pairs;
}

// The CPU first when the selection has accelerators but no CPU: every speed-up needs its baseline.
std::vector<std::pair<BackendTarget, bool>> with_baseline(const std::vector<BackendTarget>& pairs, bool add) {
  std::vector<std::pair<BackendTarget, bool>> out;
  const bool has_cpu = std::any_of(pairs.begin(), pairs.end(), [](const BackendTarget& p) { return !p.accelerator; });
  const bool has_accel = std::any_of(pairs.begin(), pairs.end(), [](const BackendTarget& p) { return p.accelerator; });
  if (add && has_accel && !has_cpu) out.emplace_back(cpu_backend_target(), true);
  for (const auto& p : pairs) out.emplace_back(p, false);
  return out;
}

// Why a config's family cannot run at all, or "" when it can.
std::pair<Status, std::string> family_problem(const BenchmarkConfig& config, const Family* family,
                                              const PlanOptions& options) {
  const std::string name = config.file.filename().string();
  if (family == nullptr) {
    std::string known;
    for (const auto& f : families()) known += (known.empty() ? "" : ", ") + f.name;
    return {Status::Unsupported, fmt::format("model family '{}' (Model.name in {}) is not implemented in zoo-bench "
                                             "{}; implemented: {}", config.model_name, name, ZOO_BENCH_VERSION, known)};
  }
  const bool tracking = config.metric_kind() == "Tracking";
  if (tracking && !family->is_tracker()) {
    return {Status::Unsupported, fmt::format("model family '{}' ({}) is not a tracker, which the Tracking metric "
                                             "needs", family->name, family->task)};
  }
  if (!tracking && family->is_tracker()) {
    return {Status::Unsupported, fmt::format("model family '{}' ({}) is a tracker: its config needs Benchmark.type "
                                             "Tracking", family->name, family->task)};
  }
  if (family_absent(*family, options)) {
    const std::string folder = (options.models_dir / family->folder).string();
    const bool some_files = !discover_variants(*family, options.models_dir).empty();
    return {Status::Missing,
            family->where_to_get.empty()
                ? fmt::format("no {}model files in {} (fetch them with scripts/fetch_models.sh --only {}{}, or point "
                              "--models-dir / ZOO_BENCH_MODELS_DIR at a folder that has them)",
                              some_files ? "selected " : "", folder, family->folder,
                              fetch_dest_option(Resource::Models, options.models_dir))
                : fmt::format("no model files in {}: put {} there (the zoo does not publish them)", folder,
                              family->where_to_get)};
  }
  return {Status::Ok, {}};
}

PlanItem item_base(const std::shared_ptr<const BenchmarkConfig>& config, const Family* family,
                   const PlanOptions& options) {
  PlanItem item;
  item.config = config;
  item.config_name = config->file.filename().string();
  item.family = family;
  item.timing.warmup = options.warmup.value_or(config->metric.warmup);
  // Tracking makes one pass over every frame per ROI: metric.repeat does not apply.
  item.timing.repeat = config->metric_kind() == "Tracking" ? 1 : options.repeat.value_or(config->metric.repeat);
  return item;
}

}  // namespace

bool excluded_by_name(const fs::path& file, const PlanOptions& options) {
  return std::any_of(options.model_exclude.begin(), options.model_exclude.end(),
                     [&](const std::string& pattern) { return file.string().find(pattern) != std::string::npos; });
}

bool file_selected(const fs::path& file, Precision precision, const PlanOptions& options) {
  if (!options.precisions.empty() && options.precisions.count(precision) == 0) return false;
  return !excluded_by_name(file, options);
}

bool family_absent(const Family& family, const PlanOptions& options) {
  const auto discovered = discover_variants(family, options.models_dir);
  const auto expected_path = [&](const std::string& f) { return options.models_dir / family.folder / f; };
  if (discovered.empty()) {
    // expected_files are the zoo's default files, not every precision's (scripts/zoo_models.tsv has those), so
    // with nothing on disk a precision flag cannot tell whether the zoo publishes that precision: the family
    // is absent (its fetch gets every file) unless --model-exclude names all its default files.
    return std::any_of(family.expected_files.begin(), family.expected_files.end(),
                       [&](const std::string& f) { return !excluded_by_name(expected_path(f), options); });
  }
  // Files on disk, none of them selected, while a default file the selection would run is absent.
  return selected_variants(family, options).empty() &&
         std::any_of(family.expected_files.begin(), family.expected_files.end(), [&](const std::string& f) {
           std::error_code ec;  // unreadable counts as absent, as discover_variants sees it
           return !fs::exists(expected_path(f), ec) && file_selected(expected_path(f), precision_of(f), options);
         });
}

std::vector<ModelVariant> selected_variants(const Family& family, const PlanOptions& options) {
  std::vector<ModelVariant> selected;
  for (auto& variant : discover_variants(family, options.models_dir)) {
    const auto kept = [&](const fs::path& file) { return file_selected(file, variant.precision, options); };
    // A variant without files (a family whose data is all it needs) is filtered by precision alone.
    if (kept({}) && std::all_of(variant.files.begin(), variant.files.end(), kept)) {
      selected.push_back(std::move(variant));
    }
  }
  return selected;
}

void plan_benchmark(const std::shared_ptr<const BenchmarkConfig>& config, const Family* family,
                    const PlanOptions& options, Plan& plan) {
  for (const auto& warning : config->warnings) plan.warnings.push_back(warning);
  const auto pairs = with_baseline(pairs_for(*config, options), options.cpu_baseline);
  // Trials whenever a speed-up is computed (an accelerator against a CPU row, measured or from a file).
  const bool compares = std::any_of(pairs.begin(), pairs.end(), [](const auto& p) { return p.first.accelerator; });
  const int trials = options.trials.value_or(compares ? kDefaultTrialsMultiTarget : 1);
  auto add_unrunnable = [&](const ModelVariant* variant, Status status, const std::string& reason) {
    for (const auto& [pair, baseline] : pairs) {
      PlanItem item = item_base(config, family, options);
      if (variant != nullptr) item.variant = *variant;
      item.backend_target = pair;
      item.added_as_baseline = baseline;
      item.status = status;
      item.reason = reason;
      plan.items.push_back(std::move(item));
    }
  };
  const auto [status, reason] = family_problem(*config, family, options);
  if (status != Status::Ok) return add_unrunnable(nullptr, status, reason);
  const std::vector<ModelVariant> variants = selected_variants(*family, options);  // empty: all filtered out
  std::shared_ptr<const std::vector<InputGroup>> inputs;
  try {
    if (!variants.empty()) inputs = std::make_shared<const std::vector<InputGroup>>(load_input_groups(*config, options.data_dir));
  } catch (const MissingDataError& e) {
    for (const auto& v : variants) add_unrunnable(&v, Status::Missing, e.what());
    return;
  } catch (const std::exception& e) {  // DataError, and anything the file system throws
    for (const auto& v : variants) add_unrunnable(&v, Status::Failed, e.what());
    return;
  }
  for (const auto& variant : variants) {
    for (int trial = 1; trial <= trials; ++trial) {
      for (const auto& [pair, baseline] : pairs) {
        PlanItem item = item_base(config, family, options);
        item.variant = variant;
        item.backend_target = pair;
        item.added_as_baseline = baseline;
        item.trial = trial;
        item.trials = trials;
        item.inputs = inputs;
        plan.items.push_back(std::move(item));
      }
    }
  }
}

std::string PlanItem::sizes_text() const {
  if (!inputs || inputs->empty()) return "-";
  std::string text;
  for (const auto& g : *inputs) text += fmt::format("{}[{}, {}]", text.empty() ? "" : " ", g.size.width, g.size.height);
  return text;
}

Plan make_plan(const std::vector<fs::path>& config_files, const PlanOptions& options, bool strict) {
  Plan plan;
  for (const auto& file : config_files) {
    try {
      auto config = std::make_shared<const BenchmarkConfig>(load_config(file));
      plan_benchmark(config, find_family(config->model_name), options, plan);
    } catch (const std::exception& e) {  // a ConfigError, or the file system failing on the path
      if (strict && dynamic_cast<const ConfigError*>(&e) != nullptr) throw;
      PlanItem item;
      item.config_name = file.filename().string();
      item.status = Status::Failed;
      item.reason = e.what();
      plan.items.push_back(std::move(item));
    }
  }
  return plan;
}

RunRecord base_record(const PlanItem& item) {
  RunRecord record;
  record.config = as_written(item.config_name);
  record.model = item.config ? as_written(item.config->model_name) : std::string();
  if (!item.variant.files.empty()) {
    record.precision = precision_name(item.variant.precision);
    record.file_list = as_written(item.variant.file_list());
    for (const auto& f : item.variant.files) record.files.push_back(as_written(f.string()));
  }
  record.backend_target = item.backend_target;
  record.trial = item.trial;
  record.trials = item.trials;
  record.warmup = item.timing.warmup;
  record.repeat = item.timing.repeat;
  return record;
}

RunRecord record_for_unrunnable(const PlanItem& item) {
  RunRecord record = base_record(item);
  record.status = item.status;
  record.message = item.reason;
  return record;
}

}  // namespace zoobench
