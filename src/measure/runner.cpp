#include "zoobench/measure/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

#include <opencv2/core/utils/logger.hpp>

#include "zoobench/input/images.hpp"
#include "zoobench/error.hpp"
#include "zoobench/device/placement.hpp"
#include "zoobench/measure/log_capture.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/measure/tracking_runner.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// One pipeline call; appends its stage times to `samples` when given (timed runs), returns the total.

double run_pipeline(Model& model, const cv::Mat& image, const cv::Mat& label_row, StageSamples* samples) {
  const auto t0 = Clock::now();
  model.preprocess(image, label_row);
  const auto t1 = Clock::now();
  model.infer();
  const auto t2 = Clock::now();
  model.postprocess();
  const auto t3 = Clock::now();
  if (samples != nullptr) {
    samples->preprocess.push_back(elapsed_ms(t0, t1));
    samples->infer.push_back(elapsed_ms(t1, t2));
    samples->postprocess.push_back(elapsed_ms(t2, t3));
    samples->total.push_back(elapsed_ms(t0, t3));
  }
  return elapsed_ms(t0, t3);
}

// The first call sets the net up: on CUDA targets run it with OpenCV's log captured at INFO level, then
// read the nets' layer placement, so a CPU fallback is caught and reported rather than timed as "CUDA".
double first_call_with_evidence(Model& model, const cv::Mat& image, const cv::Mat& label_row,
                                const BackendTarget& pair, DeviceEvidence& evidence, StageSamples* samples) {
  if (!pair.is_cuda()) return run_pipeline(model, image, label_row, samples);
  std::string log;
  const double ms = with_captured_log(log, [&] { return run_pipeline(model, image, label_row, samples); });
  PlacementInput input{log, {}, true, {}};
  for (auto net : model.nets()) input.dumps.push_back(net.dump());
  evidence = analyse_placement(input, pair);
  return ms;
}


}  // namespace

Status status_for(ModelError::Kind kind) {
  switch (kind) {
    case ModelError::Kind::Missing: return Status::Missing;
    case ModelError::Kind::Unsupported: return Status::Unsupported;
    default: return Status::Failed;
  }
}

const char* status_name(Status status) {
  switch (status) {
    case Status::Ok: return "ok";
    case Status::Failed: return "FAILED";
    case Status::Missing: return "missing";
    case Status::Unsupported: return "unsupported";
  }
  return "?";
}

Runner::Runner(RunOptions options, RecordSink on_record, WarningSink on_warning)
    : m_options(std::move(options)), m_on_record(std::move(on_record)), m_on_warning(std::move(on_warning)) {}

RunRecord Runner::config_failure(const fs::path& file, const std::string& message) {
  RunRecord record;
  record.config = file.filename().string();
  record.status = Status::Failed;
  record.message = message;
  return record;
}

std::vector<BackendTarget> Runner::backend_targets_for(const BenchmarkConfig& config) const {
  std::vector<BackendTarget> pairs;
  for (int index : m_options.backend_targets) pairs.push_back(backend_target_at(index));
  if (!pairs.empty()) return pairs;
  const auto from_config = backend_target_from_names(config.backend, config.target);
  if (!from_config) {
    throw ConfigError(fmt::format("{}: Benchmark.backend '{}' with Benchmark.target '{}' is not one of the zoo's "
                                  "pairs (default|opencv+cpu, cuda+cuda, cuda+cuda_fp16, timvx+npu, cann+npu)",
                                  config.file.string(), config.backend, config.target));
  }
  return {*from_config};
}

std::vector<ModelVariant> Runner::selected_variants(const Family& family) const {
  std::vector<ModelVariant> selected;
  for (auto& variant : discover_variants(family, m_options.models_dir)) {
    if (!m_options.precisions.empty() && m_options.precisions.count(variant.precision) == 0) continue;
    const bool excluded = std::any_of(variant.files.begin(), variant.files.end(), [&](const fs::path& file) {
      return std::any_of(m_options.model_exclude.begin(), m_options.model_exclude.end(),
                         [&](const std::string& pattern) { return file.string().find(pattern) != std::string::npos; });
    });
    if (!excluded) selected.push_back(std::move(variant));
  }
  return selected;
}

void Runner::run(const BenchmarkConfig& config) {
  for (const auto& warning : config.warnings) m_on_warning(warning);

  RunRecord base;
  base.config = config.file.filename().string();
  base.model = config.model_name;
  base.warmup = m_options.warmup.value_or(config.metric.warmup);
  base.repeat = m_options.repeat.value_or(config.metric.repeat);

  const std::vector<BackendTarget> pairs = backend_targets_for(config);
  auto emit_for_all_pairs = [&](Status status, const std::string& message) {
    for (const auto& pair : pairs) {
      RunRecord record = base;
      record.backend_target = pair;
      record.status = status;
      record.message = message;
      m_on_record(record);
    }
  };

  const Family* family = find_family(config.model_name);
  if (family == nullptr) {
    std::string known;
    for (const auto& f : families()) known += (known.empty() ? "" : ", ") + f.name;
    emit_for_all_pairs(Status::Unsupported,
                       fmt::format("model family '{}' (Model.name in {}) is not implemented in zoo-bench {}; "
                                   "implemented: {}",
                                   config.model_name, base.config, ZOO_BENCH_VERSION, known));
    return;
  }
  // Tracker families run only under the Tracking metric (src/tracking_runner.cpp), the others only outside it.
  const bool tracking = config.metric_kind() == "Tracking";
  if (tracking ? !family->tracker_factory : !family->factory) {
    std::string message = fmt::format("model family '{}' ({}) is not implemented in zoo-bench {} yet", family->name,
                                      family->task, ZOO_BENCH_VERSION);
    if (tracking && family->factory) {
      message = fmt::format("model family '{}' ({}) is not a tracker, which the Tracking metric needs", family->name,
                            family->task);
    } else if (!tracking && family->tracker_factory) {
      message = fmt::format("model family '{}' ({}) is a tracker: its config needs Benchmark.type Tracking",
                            family->name, family->task);
    }
    emit_for_all_pairs(Status::Unsupported, message);
    return;
  }

  const std::vector<ModelVariant> variants = selected_variants(*family);
  if (variants.empty()) {
    if (!discover_variants(*family, m_options.models_dir).empty()) return;  // all filtered out by the user
    const std::string folder = (m_options.models_dir / family->folder).string();
    emit_for_all_pairs(Status::Missing,
                       family->where_to_get.empty()
                           ? fmt::format("no model files in {} (fetch them with scripts/fetch_models.sh --only {}, "
                                         "or point --models-dir / ZOO_BENCH_MODELS_DIR at a folder that has them)",
                                         folder, family->folder)
                           : fmt::format("no model files in {}: put {} there (the zoo does not publish them)",
                                         folder, family->where_to_get));
    return;
  }
  if (tracking) {
    run_tracking(TrackingPlan{&config, family, variants, pairs, base.warmup, m_options.data_dir}, m_on_record,
                 m_on_warning);
    return;
  }

  std::vector<InputGroup> inputs;
  try {
    inputs = load_inputs(config, m_options.data_dir);
  } catch (const DataError& e) {
    for (const auto& variant : variants) {
      for (const auto& pair : pairs) {
        RunRecord record = base;
        record.precision = precision_name(variant.precision);
        record.file_list = variant.file_list();
        record.backend_target = pair;
        record.status = Status::Failed;
        record.message = e.what();
        m_on_record(record);
      }
    }
    return;
  }

  for (const auto& variant : variants) {
    for (const auto& pair : pairs) run_variant(config, *family, variant, pair, inputs);
  }
}

void Runner::run_variant(const BenchmarkConfig& config, const Family& family, const ModelVariant& variant,
                         const BackendTarget& backend_target, const std::vector<InputGroup>& inputs) {
  RunRecord base;
  base.config = config.file.filename().string();
  base.model = config.model_name;
  base.precision = precision_name(variant.precision);
  base.file_list = variant.file_list();
  for (const auto& f : variant.files) base.files.push_back(f.string());
  base.backend_target = backend_target;
  base.warmup = m_options.warmup.value_or(config.metric.warmup);
  base.repeat = m_options.repeat.value_or(config.metric.repeat);

  auto fail = [&](RunRecord record, Status status, const std::string& message) {
    record.status = status;
    record.message = message;
    m_on_record(record);
  };

  // Construct the model fresh for every backend/target, so no state or sample crosses variants.
  std::unique_ptr<Model> model;
  const auto load_start = Clock::now();
  try {
    model = family.factory(ModelContext{variant.files, config.params, backend_target});
  } catch (const ModelError& e) {
    return fail(base, status_for(e.kind()), e.what());
  } catch (const cv::Exception& e) {
    return fail(base, Status::Failed, fmt::format("loading {} failed: {}", variant.file_list(), short_cv_message(e)));
  } catch (const Error& e) {
    return fail(base, Status::Failed, e.what());
  }
  base.load_ms = elapsed_ms(load_start, Clock::now());
  base.note = model->stage_note();
  for (const auto& key : config.params.unused_keys()) {
    m_on_warning(fmt::format("{}: key 'Model.{}' is not used by {}", config.file.string(), key, family.name));
  }

  const bool detection_metric = config.metric_kind() == "Detection";
  bool first_call = true;
  DeviceEvidence device_evidence;
  for (const auto& group : inputs) {
    RunRecord record = base;
    record.input_size = group.size;
    if (!first_call) record.load_ms = 0;  // load happened once, before the first size
    try {
      if (detection_metric) model->set_input_size(group.size);
      for (const auto& item : group.items) {
        // Recognition configs run once per label row; everything else once per image.
        const int rows = item.labels.empty() ? 1 : item.labels.rows;
        for (int r = 0; r < rows; ++r) {
          const cv::Mat label_row = item.labels.empty() ? cv::Mat() : item.labels.row(r);
          for (int i = 0; i < record.warmup + record.repeat; ++i) {
            StageSamples* samples = i < record.warmup ? nullptr : &record.samples;
            if (first_call) {
              record.first_call_ms = first_call_with_evidence(*model, item.image, label_row, backend_target,
                                                              device_evidence, samples);
              first_call = false;
            } else {
              run_pipeline(*model, item.image, label_row, samples);
            }
          }
        }
      }
      record.result = model->result_summary();
      record.device = device_evidence;
    } catch (const cv::Exception& e) {
      fail(record, Status::Failed,
           backend_target.is_cuda()
               ? fmt::format("{} (on {}; `zoo-bench doctor` says what is wrong with the CUDA target)",
                             short_cv_message(e), backend_target.name)
               : short_cv_message(e));
      return;  // the net is in an unknown state: later sizes would fail the same way
    } catch (const Error& e) {
      fail(record, Status::Failed, e.what());
      return;
    }
    m_on_record(record);
  }
}

}  // namespace zoobench
