#pragma once
// What the command line asks for, separate from how it is parsed (src/cli/cli.cpp binds CLI11 to it).
#include <optional>
#include <string>
#include <vector>

namespace zoobench {

struct BenchOptions {
  bool all = false;
  std::vector<std::string> configs;       // --cfg, repeatable
  std::vector<int> backend_targets;       // --backend-target, zoo indices
  std::string cfg_exclude;                // "a:b": case-insensitive substrings of config file names
  std::string model_exclude;              // "x.onnx:y": substrings of model paths
  bool fp32 = false, fp16 = false, int8 = false, int8bq = false;
  std::string configs_dir, models_dir, data_dir;  // empty: environment, then defaults
  std::optional<int> warmup;
  std::optional<int> repeat;
  std::optional<int> trials;              // default: 3 for multi-target benchmarks, else 1
  bool no_cpu_baseline = false;           // do not add the CPU to a GPU-only selection
  std::string baseline_file;              // compare with the CPU rows of an earlier results file
  bool list = false;
  bool dry_run = false;                   // --dry-run / --list --plan: print the plan, run nothing
  std::string json_file, csv_file, markdown_file;
  bool require_cuda = false;              // a CUDA row not verified on the GPU -> kExitNoCuda
  bool require_same_answers = false;      // a GPU answer that differs from the CPU's -> kExitAnswersDiffer
  bool profile = false;                   // --profile: a per-layer profile of every item after the run
  std::string profile_json;               // --profile-json: every layer of those profiles
  std::string device;                     // --device N|all for the CUDA items; "" = OpenCV's default (0)
  bool quiet = false;                     // --quiet: tables, failures and warnings only
  bool verbose = false;                   // --verbose: every absent model on its own line
  bool table_wide = false;                // --table wide: the wide per-row table beside the GPU-vs-CPU one
  bool progress = false;                  // the live progress line (stderr is a terminal, not --quiet)
  std::string resume_file;                // --resume: skip what this results file's run measured, append the rest
  std::optional<double> timeout_per_model;  // seconds per plan item; a runaway one is abandoned as timed out
};

// `zoo-bench report RESULTS.json...`: the tables again, from the stored samples; with several files the
// cross-hardware table (and --svg its chart).
struct ReportOptions {
  std::vector<std::string> results_files;
  std::string json_file, csv_file, markdown_file;
  std::string svg_file;
};

// `zoo-bench compare BASE.json NEW.json`: per-row ratios NEW/BASE with a verdict.
struct CompareOptions {
  std::string base_file, new_file;
  double threshold_percent = 5.0;
  std::string threshold_text;  // --threshold as given ("5", "5%", "0.05"): parsed into threshold_percent
  std::string test = "bootstrap";  // --test bootstrap|mwu
  std::string markdown_file, json_file;
};

// Splits "a:b:c" into its non-empty parts.
std::vector<std::string> split_list(const std::string& text, char separator = ':');

}  // namespace zoobench
