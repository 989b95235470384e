#include "zoobench/measure/heap.hpp"
#include "zoobench/cli/app.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <set>

#include <unistd.h>

#include <opencv2/core.hpp>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/cli/data_listing.hpp"
#include "zoobench/cli/device_run.hpp"
#include "zoobench/device/device_choice.hpp"
#include "zoobench/plan/split.hpp"
#include "zoobench/cli/resume.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/device/doctor.hpp"
#include "zoobench/error.hpp"
#include "zoobench/config/paths.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/measure/measure.hpp"
#include "zoobench/measure/timed_runner.hpp"
#include "zoobench/report/result_file.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/report/columns.hpp"
#include "zoobench/report/progress.hpp"
#include "zoobench/report/results_json.hpp"
#include "zoobench/stats/aggregate.hpp"
#include "zoobench/device/environment.hpp"
#include "zoobench/report/table.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

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

PlanOptions make_plan_options(const BenchOptions& options) {
  PlanOptions plan;
  plan.warmup = options.warmup;
  plan.repeat = options.repeat;
  plan.backend_targets = options.backend_targets;
  plan.trials = options.trials;
  plan.cpu_baseline = !options.no_cpu_baseline && options.baseline_file.empty();
  if (options.fp32) plan.precisions.insert(Precision::FP32);
  if (options.fp16) plan.precisions.insert(Precision::FP16);
  if (options.int8) plan.precisions.insert(Precision::INT8);
  if (options.int8bq) plan.precisions.insert(Precision::INT8BQ);
  plan.model_exclude = split_list(options.model_exclude);
  plan.models_dir = resolve_dir(Resource::Models, options.models_dir);
  plan.data_dir = resolve_dir(Resource::Data, options.data_dir);
  return plan;
}

namespace {

// The CPU records of --baseline FILE, checked to come from this machine.
std::vector<RunRecord> load_baseline(const std::string& file, const Environment& here) {
  if (file.empty()) return {};
  StoredResults stored;
  try {
    stored = read_results_file(file);
  } catch (const Error& e) {
    throw ConfigError(e.what());  // bad input on the command line: a usage error (exit 2)
  }
  const Environment& there = stored.environment;
  if (there.host != here.host || there.cpu != here.cpu) {
    throw ConfigError(fmt::format("{}: measured on host '{}' ({}), this is host '{}' ({}): a CPU baseline must come "
                                  "from the same machine; measure the CPU here (drop --baseline)",
                                  file, there.host, there.cpu, here.host, here.cpu));
  }
  // Host names and CPU strings repeat across cloud machines: the GPUs and the OpenCV build must match too.
  if (gpus_text(there) != gpus_text(here) || there.opencv_cuda != here.opencv_cuda) {
    throw ConfigError(fmt::format("{}: measured with {} and an OpenCV {}, this machine has {} and an OpenCV {}: not "
                                  "the same machine; measure the CPU here (drop --baseline)",
                                  file, gpus_text(there), there.opencv_cuda, gpus_text(here), here.opencv_cuda));
  }
  if (there.opencv_version != here.opencv_version || there.opencv_threads != here.opencv_threads) {
    throw ConfigError(fmt::format("{}: measured with OpenCV {} on {} threads, this is OpenCV {} on {} threads: the "
                                  "CPU numbers would not compare; measure the CPU here (drop --baseline)",
                                  file, there.opencv_version, there.opencv_threads, here.opencv_version,
                                  here.opencv_threads));
  }
  if (!stored.complete) {
    throw ConfigError(fmt::format("{}: the run that wrote it did not finish (complete: false); use a complete results "
                                  "file or measure the CPU here", file));
  }
  std::vector<RunRecord> cpu;
  for (auto& r : stored.records) {
    if (!r.backend_target.accelerator && r.status == Status::Ok && !r.samples.total.empty()) cpu.push_back(std::move(r));
  }
  if (cpu.empty()) throw ConfigError(fmt::format("{}: holds no measured CPU rows to compare with", file));
  return cpu;
}

// gpus: with --device, the GPU of each item's worker (split_plan), shown on its CUDA items; else empty.
int print_plan(const Plan& plan, std::ostream& out, const std::vector<int>& gpus) {
  Table table({"#", "config", "model", "files", "target", "trial", "sizes", "warmup", "repeat", "status"},
              {Table::Align::Right});
  int n = 0;
  for (const auto& item : plan.items) {
    const bool on_gpu = !gpus.empty() && item.backend_target.is_cuda();
    table.add_row({std::to_string(++n), item.config_name, item.config ? item.config->model_name : "-",
                   item.variant.files.empty() ? "-" : item.variant.file_list(),
                   item.backend_target.name + (item.added_as_baseline ? " (baseline)" : "") +
                       (on_gpu ? fmt::format(" on GPU {}", gpus[static_cast<std::size_t>(n - 1)]) : ""),
                   fmt::format("{}/{}", item.trial, item.trials), item.sizes_text(), std::to_string(item.timing.warmup),
                   std::to_string(item.timing.repeat),
                   item.runnable() ? "runs" : fmt::format("{}: {}", status_name(item.status), item.reason)});
  }
  fmt::print(out, "{}", table.to_text());
  return kExitOk;
}

// "YuNet ['a.onnx'] [160, 120] on CUDA", without the size when the row never got to the data.
std::string row_label(const BenchmarkRow& r) {
  const std::string size = r.input_size.empty() ? "" : " " + size_text(r.input_size);
  return fmt::format("{} {}{} on {}", r.model, r.file_list, size, r.backend_target.name);
}

// --device: "" when every trial that read its GPU's free memory saw memory taken there; else what it saw.
std::string memory_seen_on_gpu(const BenchmarkRow& r, const std::vector<RunRecord>& records) {
  for (const std::size_t i : r.record_indices) {
    const auto& gpu = records[i].gpu;
    if (gpu && gpu->memory_taken >= 0 && !gpu->memory_seen()) {
      return fmt::format("trial {} took no memory on GPU {} ({}), so nothing shows it ran there",
                         records[i].trial, gpu->index, gpu->name);
    }
  }
  return "";
}

}  // namespace

int exit_code_for(const ResultSet& set, bool missing_is_ok) {
  bool incomplete = false;
  for (const auto& r : set.rows) {
    if (r.status == Status::Failed) return kExitFailed;
    if (r.status != Status::Ok) incomplete = true;
  }
  return incomplete && !missing_is_ok ? kExitIncomplete : kExitOk;
}

std::vector<std::string> cuda_requirement_failures(const ResultSet& set) {
  std::vector<std::string> failures;
  int verified = 0;
  for (const auto& r : set.rows) {
    if (!r.backend_target.is_cuda() || r.from_baseline_file) continue;
    const std::string what = row_label(r);
    if (r.status == Status::Failed) failures.push_back(fmt::format("{}: failed: {}", what, r.message));
    else if (r.ok() && !r.placement.verified()) failures.push_back(fmt::format("{}: {}", what, r.placement.describe()));
    else if (r.ok() && !memory_seen_on_gpu(r, set.records).empty()) {
      failures.push_back(fmt::format("{}: {}", what, memory_seen_on_gpu(r, set.records)));
    } else if (r.ok()) ++verified;
  }
  if (verified == 0 && failures.empty()) failures.push_back("no CUDA row ran, so nothing shows the GPU was used");
  return failures;
}

std::vector<std::string> answer_differences(const ResultSet& set) {
  std::vector<std::string> lines;
  int compared = 0;
  for (const auto& r : set.rows) {
    if (!r.backend_target.accelerator || !r.ok()) continue;
    const std::string what = row_label(r);
    if (r.answer_differs()) lines.push_back(fmt::format("{}: {}", what, r.agreement->summary));
    else if (!r.agreement) lines.push_back(fmt::format("{}: not compared: no measured CPU row", what));
    else if (!r.agreement->compared) lines.push_back(fmt::format("{}: {}", what, answer_text(r)));
    else if (r.agreement->vacuous) lines.push_back(fmt::format("{}: not proven: nothing found on either side", what));
    else ++compared;
  }
  // Fail closed, as --require-cuda does: nothing compared proves nothing.
  if (compared == 0 && lines.empty()) lines.push_back("no GPU answer was compared with a CPU answer");
  return lines;
}

namespace {

// The pairs the plan will run, in index order (the added CPU baseline included): the console header.
std::vector<BackendTarget> pairs_that_run(const Plan& plan) {
  std::vector<BackendTarget> pairs;
  for (const auto& item : plan.items) {
    const bool seen = std::any_of(pairs.begin(), pairs.end(),
                                  [&](const BackendTarget& p) { return p.index == item.backend_target.index; });
    if (!seen && item.runnable()) pairs.push_back(item.backend_target);
  }
  std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return pairs;
}

std::size_t runnable_count(const Plan& plan) {
  return static_cast<std::size_t>(
      std::count_if(plan.items.begin(), plan.items.end(), [](const PlanItem& i) { return i.runnable(); }));
}

// Each config's Benchmark.data.path, for the fetch command of absent data.
std::map<std::string, std::string> data_paths_of(const Plan& plan) {
  std::map<std::string, std::string> paths;
  for (const auto& item : plan.items) {
    if (item.config) paths.emplace(item.config_name, item.config->data.path);
  }
  return paths;
}

// Each config's number in run order, for "config i/N" on the progress line.
class ConfigNumbers {
 public:
  explicit ConfigNumbers(const Plan& plan) {
    for (const auto& item : plan.items) {
      if (m_number.count(item.config_name) == 0) m_number.emplace(item.config_name, m_number.size() + 1);
    }
  }
  std::size_t of(const std::string& config) const { return m_number.at(config); }
  std::size_t count() const { return m_number.size(); }

 private:
  std::map<std::string, std::size_t> m_number;
};

// "config 2/9", "face_detection_yunet.yaml: YuNet ['a.onnx']", "on CUDA, trial 1/3"
ProgressLabel progress_label(const PlanItem& item, const ConfigNumbers& configs) {
  std::vector<std::string> files;
  for (const auto& file : item.variant.files) files.push_back(file.filename().string());
  return model_progress_label(fmt::format("config {}/{}", configs.of(item.config_name), configs.count()),
                              item.config_name, item.family != nullptr ? item.family->name : "-", files,
                              fmt::format("on {}, trial {}/{}", item.backend_target.name, item.trial, item.trials));
}

// Files first: an unwritable one stops the run before anything is measured (its begin() checks).
std::vector<std::unique_ptr<Reporter>> make_reporters(const std::string& json, const std::string& csv,
                                                      const std::string& markdown, std::ostream& out,
                                                      std::vector<BackendTarget> header_pairs,
                                                      ConsoleOptions console = {}) {
  std::vector<std::unique_ptr<Reporter>> reporters;
  if (!json.empty()) reporters.push_back(make_file_reporter("json", json));
  if (!csv.empty()) reporters.push_back(make_file_reporter("csv", csv));
  if (!markdown.empty()) reporters.push_back(make_file_reporter("markdown", markdown));
  reporters.push_back(make_console_reporter(out, std::move(header_pairs), console));
  return reporters;
}

// The checks a CI asked for decide last: --require-cuda (4) over --require-same-answers (5) over a
// results file that could not be written (7) over a config that could not be loaded (2, also with --all)
// over the run's own code.
int final_exit_code(const ResultSet& set, const BenchOptions& options, bool results_lost, bool config_errors,
                    std::ostream& err) {
  int code = results_lost ? kExitNotSaved : config_errors ? kExitUsage : exit_code_for(set, options.require_cuda);
  if (options.require_same_answers) {
    const std::vector<std::string> differences = answer_differences(set);
    for (const auto& d : differences) fmt::print(err, "zoo-bench: --require-same-answers: {}\n", d);
    if (!differences.empty()) code = kExitAnswersDiffer;
  }
  if (options.require_cuda) {
    const std::vector<std::string> failures = cuda_requirement_failures(set);
    for (const auto& f : failures) fmt::print(err, "zoo-bench: --require-cuda: {}\n", f);
    if (!failures.empty()) code = kExitNoCuda;
  }
  return code;
}

}  // namespace

int run_report_command(const ReportOptions& options, std::ostream& out) {
  if (options.results_files.size() != 1) return run_cross_report(options, out);
  const std::string& results_file = options.results_files.front();
  StoredResults stored;
  try {
    stored = read_results_file(results_file);
  } catch (const Error& e) {
    throw ConfigError(e.what());
  }
  ResultSet set = aggregate(stored.environment, std::move(stored.records), {}, "", tolerance_for_model);
  set.notes.push_back(fmt::format("recomputed from the samples in {} ({}); raw-output differences are the ones the "
                                  "run recorded", results_file,
                                  stored.complete ? "a complete run" : "a run cut short: only what it measured"));
  if (!stored.baseline_file.empty()) {
    set.notes.push_back(fmt::format("that run compared with the CPU rows of {}; they are not in this file, so its "
                                    "GPU rows have no speed-up here", stored.baseline_file));
  }
  std::vector<std::unique_ptr<Reporter>> reporters =
      make_reporters(options.json_file, options.csv_file, options.markdown_file, out, {});
  for (auto& reporter : reporters) reporter->begin(set.environment);
  // The console shows what is there even for a cut run; the files keep the stored completeness.
  bool lost = false;
  for (auto& reporter : reporters) {
    try {
      reporter->results(set, stored.complete || reporter == reporters.back());
    } catch (const WriteError& e) {
      std::cerr << "zoo-bench: error: " << e.what() << " (the other outputs go on)\n";
      lost = true;
    }
  }
  if (!options.svg_file.empty()) write_results_chart(set, results_file, options.svg_file);
  return lost ? kExitNotSaved : exit_code_for(set, false);
}

int run_doctor_command(const std::string& json_file, std::ostream& out, const std::string& device_option) {
  // With no device visible the doctor still runs: saying why is its job (exit 4), not a usage error.
  const DeviceChoice choice = device_option.empty() ? DeviceChoice{} : parse_device_choice(device_option);
  const std::vector<CudaDevice> visible = choice.given() ? cuda_devices() : std::vector<CudaDevice>{};
  const std::vector<int> selected = visible.empty() ? std::vector<int>{} : resolve_devices(choice, visible);
  const DoctorReport report = run_doctor(selected);
  print_doctor(report, out);
  if (!json_file.empty()) {
    try {
      write_output_file(json_file, doctor_json(report));
    } catch (const WriteError& e) {
      std::cerr << "zoo-bench: error: " << e.what() << "\n";
      return report.cuda_usable() ? kExitNotSaved : kExitNoCuda;  // 4 wins over 7, as documented
    }
  }
  return report.cuda_usable() ? kExitOk : kExitNoCuda;
}

int run_benchmarks(const BenchOptions& options, const std::string& command_line, std::ostream& out,
                   std::ostream& err) {
  if (!options.baseline_file.empty() &&
      std::find(options.backend_targets.begin(), options.backend_targets.end(), 0) != options.backend_targets.end()) {
    // Measured CPU rows would win over the file's, which would then be read for nothing.
    throw ConfigError(fmt::format("--baseline {}: the CPU rows come from that file, so leave 0 out of "
                                  "--backend-target (or drop --baseline to measure the CPU now)",
                                  options.baseline_file));
  }
  if (options.require_cuda && std::none_of(options.backend_targets.begin(), options.backend_targets.end(),
                                           [](int i) { return backend_target_at(i).is_cuda(); })) {
    throw ConfigError("--require-cuda needs a CUDA target: add --backend-target 1, 2 or 1,2");
  }
  if (!options.device.empty()) parse_device_choice(options.device);  // a malformed --device fails first
  const bool strict = options.configs.size() == 1 && !options.all;  // one named config: errors are usage errors
  Plan plan = make_plan(select_configs(options), make_plan_options(options), strict);
  const std::vector<int> gpu_indices =
      options.device.empty() ? std::vector<int>{} : devices_for_run(options.device, plan, cuda_devices());
  if (!gpu_indices.empty() && options.timeout_per_model) {
    // The time limit runs each benchmark on a worker it can abandon; the GPU workers are threads of their own.
    throw ConfigError("--timeout-per-model cannot be combined with --device yet: leave one of them out");
  }
  // With --all a config that cannot be loaded is one failed row and the others run; the exit code is still 2.
  const bool config_errors = std::any_of(plan.items.begin(), plan.items.end(), [](const PlanItem& item) {
    return item.config == nullptr && item.status == Status::Failed;
  });
  if (options.dry_run) {
    for (const auto& w : plan.warnings) fmt::print(err, "zoo-bench: warning: {}\n", w);
    std::vector<int> item_gpus;
    if (!gpu_indices.empty()) {
      item_gpus.resize(plan.items.size());
      const auto split = split_plan(plan, gpu_indices.size());
      for (std::size_t w = 0; w < split.size(); ++w) {
        for (const std::size_t i : split[w]) item_gpus[i] = gpu_indices[w];
      }
    }
    return print_plan(plan, out, item_gpus);
  }
  pin_heap();  // before the environment records it, and before any net allocates
  Environment environment = collect_environment(command_line);
  environment.run_id = fmt::format("{}-{}-{}", environment.host, ::getpid(), environment.started_at);
  const std::vector<RunRecord> baseline = load_baseline(options.baseline_file, environment);
  const std::vector<BackendTarget> header_pairs =
      options.backend_targets.empty() ? std::vector<BackendTarget>{} : pairs_that_run(plan);

  std::vector<RunRecord> records;
  std::string json_file = options.json_file;
  if (!options.resume_file.empty()) {
    ResumeState resumed = load_resume(options.resume_file, environment);
    const std::size_t items = plan.items.size();
    const int skipped = skip_measured_items(plan, resumed);
    fmt::print(err, "zoo-bench: resuming {}: {} records kept from {}{}; {} of {} benchmarks already measured\n",
               options.resume_file, resumed.records.size(), resumed.source,
               resumed.skipped_lines > 0 ? fmt::format(" ({} cut lines skipped)", resumed.skipped_lines) : "",
               skipped, items);
    environment.run_id = resumed.run_id;
    records = std::move(resumed.records);
    if (json_file.empty()) json_file = options.resume_file;  // appends the rest to the same file
  }

  std::vector<std::unique_ptr<Reporter>> reporters =
      make_reporters(json_file, options.csv_file, options.markdown_file, out, header_pairs,
                     ConsoleOptions{options.verbose, options.quiet, options.table_wide,
                                    resolve_dir(Resource::Models, options.models_dir),
                                    resolve_dir(Resource::Data, options.data_dir), data_paths_of(plan)});
  if (!json_file.empty()) {
    // Right after the JSON reporter (first in the list), whose begin() names a bad path first; records
    // reach every reporter before any snapshot is written, so the journal is always ahead of the file.
    if (auto journal = make_journal_reporter(json_file)) reporters.insert(reporters.begin() + 1, std::move(journal));
  }
  for (auto& reporter : reporters) reporter->begin(environment);
  for (const auto& w : plan.warnings) fmt::print(err, "zoo-bench: warning: {}\n", w);

  // A results file that cannot be written (disk full) is reported once; the others and the console go on,
  // and the exit code says the results were not all saved.
  std::set<const Reporter*> broken;
  auto each_reporter = [&](const std::function<void(Reporter&)>& call) {
    for (auto& reporter : reporters) {
      if (broken.count(reporter.get()) > 0) continue;
      try {
        call(*reporter);
      } catch (const Error& e) {
        fmt::print(err, "zoo-bench: error: {} (the other outputs go on)\n", e.what());
        broken.insert(reporter.get());
      }
    }
  };
  auto publish = [&](const ResultSet& set, bool complete) {
    each_reporter([&](Reporter& reporter) { reporter.results(set, complete); });
  };
  std::optional<ProgressLine> progress;
  if (options.progress) progress.emplace(err, runnable_count(plan), stderr_columns());
  auto snapshot = [&](Intervals intervals) {
    return aggregate(environment, records, baseline, options.baseline_file, tolerance_for_model, intervals);
  };
  auto on_record = [&](RunRecord record) {
    if (progress) progress->clear();
    each_reporter([&](Reporter& reporter) { reporter.record(record); });
    records.push_back(std::move(record));
    publish(snapshot(Intervals::Skip), false);
  };
  auto on_warning = [&](const std::string& warning) {
    if (progress) progress->clear();
    fmt::print(err, "zoo-bench: warning: {}\n", warning);
  };
  // OpenCV uses device 0 unless told otherwise: its FP16 capability is the evidence OpenCV 4.10 leaves.
  const std::optional<bool> runs_fp16 =
      environment.gpus.empty() ? std::nullopt : std::optional<bool>(environment.gpus.front().opencv_fp16);
  TimedRunner runner(on_record, on_warning, runs_fp16, options.timeout_per_model);
  if (gpu_indices.empty()) {
    const ConfigNumbers config_numbers(plan);
    for (const auto& item : plan.items) {
      if (progress && item.runnable()) progress->start(progress_label(item, config_numbers));
      runner.run(item);
    }
  } else {
    // --device: one worker thread per GPU; records arrive here one at a time and are kept in plan order.
    std::set<std::string> warned;
    PlanOrder order;
    auto on_placed = [&](PlacedRecord placed) {
      if (progress) progress->clear();
      each_reporter([&](Reporter& reporter) { reporter.record(placed.record); });
      const std::size_t at = order.insert(placed.item, placed.seq);
      records.insert(records.begin() + static_cast<std::ptrdiff_t>(at), std::move(placed.record));
      publish(snapshot(Intervals::Skip), false);
    };
    auto once = [&](const std::string& w) { if (warned.insert(w).second) on_warning(w); };
    const ConfigNumbers config_numbers(plan);
    auto on_start = [&](std::size_t item) {
      if (progress) progress->start(progress_label(plan.items[item], config_numbers));
    };
    run_on_workers(plan, split_plan(plan, gpu_indices.size()), gpu_workers(gpu_indices, environment.gpus), on_placed,
                   once, on_start);
  }
  progress.reset();  // erased before the tables

  const ResultSet set = snapshot(Intervals::Bootstrap);
  publish(set, true);
  const int code = final_exit_code(set, options, !broken.empty(), config_errors, err);
  if (runner.abandoned_worker_running()) {
    // A timed-out benchmark is still inside OpenCV: tearing OpenCV down under it could crash after
    // everything was written. Everything is written and flushed, so end here.
    fmt::print(err, "zoo-bench: a timed-out benchmark is still running; exiting without waiting for it\n");
    out.flush();
    err.flush();
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);
  }
  return code;
}

int list_configs(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  const std::vector<fs::path> config_files = select_configs(options);
  const PlanOptions selection = make_plan_options(options);
  const fs::path& models_dir = selection.models_dir;
  fmt::print(out, "configs: {}\nmodels:  {}\n\n", config_files.empty() ? "-" : config_files.front().parent_path().string(),
             models_dir.string());
  Table table({"config", "model", "task", "precision", "file", "status"});
  int problems = 0;
  std::vector<BenchmarkConfig> loaded;  // for the data table
  for (const auto& file : config_files) {
    BenchmarkConfig config;
    try {
      config = load_config(file);
    } catch (const ConfigError& e) {
      fmt::print(err, "zoo-bench: error: {}\n", e.what());
      ++problems;
      continue;
    }
    loaded.push_back(config);
    const std::string name = file.filename().string();
    const Family* family = find_family(config.model_name);
    if (family == nullptr) {
      table.add_row({name, config.model_name, "-", "-", "-", "unknown family"});
      continue;
    }
    // Present files are those on disk; the rows are what --fp32/--int8.../--model-exclude would run.
    std::set<std::string> found;
    for (const auto& v : discover_variants(*family, models_dir)) {
      for (const auto& f : v.files) found.insert(f.filename().string());
    }
    for (const auto& v : selected_variants(*family, selection)) {
      for (const auto& f : v.files) {
        table.add_row({name, family->name, family->task, precision_name(v.precision),
                       family->folder + "/" + f.filename().string(),
                       fs::is_directory(f) ? "a folder, not a file" : "present"});
      }
    }
    // Absent files as the run sees them: every default file of a family the run reports missing, else those
    // the selection would run.
    const bool absent_family = family_absent(*family, selection);
    for (const auto& expected : family->expected_files) {
      const fs::path path = models_dir / family->folder / expected;
      if (found.count(expected) == 0 && !excluded_by_name(path, selection) &&
          (absent_family || file_selected(path, precision_of(expected), selection))) {
        table.add_row({name, family->name, family->task, precision_name(precision_of(expected)),
                       family->folder + "/" + expected, "absent"});
      }
    }
  }
  fmt::print(out, "{}", table.to_text());
  const fs::path data_dir = resolve_dir(Resource::Data, options.data_dir);
  fmt::print(out, "\ndata:    {}\n\n{}", data_dir.string(), data_folder_table(loaded, data_dir).to_text());
  return problems > 0 ? kExitUsage : kExitOk;
}

}  // namespace zoobench
