#include "zoobench/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <map>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

#include "zoobench/cli/app.hpp"
#include "zoobench/error.hpp"
#include "zoobench/cli/options.hpp"
#include "zoobench/cli/profile_command.hpp"
#include "zoobench/device/device_choice.hpp"
#include "zoobench/plan/backend.hpp"
#include "zoobench/report/progress.hpp"
#include "zoobench/report/result_file.hpp"

namespace zoobench {

namespace {

constexpr const char* kDescription =
    "zoo-bench: benchmark OpenCV Zoo models with OpenCV DNN on CPU, CUDA and CUDA FP16.\n"
    "Runs each model's preprocess, inference and postprocess separately timed, on each chosen\n"
    "backend/target, and compares GPU against CPU.";

constexpr const char* kFooter =
    "Examples:\n"
    "  zoo-bench --all                          every config, as each config says (CPU)\n"
    "  zoo-bench --all --backend-target 0,1,2   CPU, CUDA and CUDA FP16, with a speed-up table\n"
    "  zoo-bench -c configs/face_detection_yunet.yaml --repeat 100 --json yunet.json\n"
    "  zoo-bench --list                         which model files are present\n"
    "  zoo-bench profile -c configs/object_detection_yolox.yaml --backend-target 1 --json p.json\n"
    "                                           per-layer times, cold start and GPU busy time on CUDA\n"
    "Exit codes: 0 all ran; 1 a benchmark failed; 2 usage or config error;\n"
    "            3 nothing failed but some models were absent or unsupported;\n"
    "            4 --require-cuda or doctor: the CUDA target is not really usable;\n"
    "            5 --require-same-answers: a GPU answer differs from the CPU's;\n"
    "            6 compare: a row regressed significantly beyond --threshold;\n"
    "            7 a results file (--json/--csv/--markdown) could not be saved.";

void bind_options(CLI::App& app, BenchOptions& o) {
  app.add_flag("--all", o.all, "Run every config in the configs folder, sorted by file name");
  app.add_option("-c,--cfg", o.configs, "Run this config file (repeatable)")->check(CLI::ExistingFile);
  app.add_option("--backend-target,--cfg_overwrite_backend_target", o.backend_targets,
                 "Backend/target pairs, comma-separated: 0 OpenCV/CPU, 1 CUDA, 2 CUDA FP16, 3 TIM-VX/NPU, "
                 "4 CANN/NPU (default: as each config says)")
      ->delimiter(',')
      ->check(CLI::Range(0, static_cast<int>(backend_target_pairs().size()) - 1));
  app.add_option("--cfg-exclude,--cfg_exclude", o.cfg_exclude,
                 "Skip configs whose file name contains any of these (a:b, case-insensitive)");
  app.add_option("--model-exclude,--model_exclude", o.model_exclude,
                 "Skip model files whose path contains any of these (x.onnx:y.onnx)");
  app.add_flag("--fp32", o.fp32, "Select fp32 model files (precision flags combine; none = all)");
  app.add_flag("--fp16", o.fp16, "Select fp16 model files");
  app.add_flag("--int8", o.int8, "Select int8 model files");
  app.add_flag("--int8bq", o.int8bq, "Select block-quantized int8 model files");
  app.add_option("--configs-dir", o.configs_dir, "Config folder (env ZOO_BENCH_CONFIGS_DIR; default ./configs)");
  app.add_option("--models-dir", o.models_dir,
                 "Model root in the zoo layout <dir>/<family>/*.onnx, e.g. an opencv_zoo checkout's models/ "
                 "(env ZOO_BENCH_MODELS_DIR; default ./models)");
  app.add_option("--data-dir", o.data_dir,
                 "Benchmark data root, one folder per task as the zoo's benchmark/data (env ZOO_BENCH_DATA_DIR; "
                 "default ./data)");
  app.add_option("--warmup", o.warmup, "Untimed calls before timing (overrides metric.warmup)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--repeat", o.repeat, "Timed calls per input (overrides metric.repeat)")->check(CLI::PositiveNumber);
  app.add_option("--trials", o.trials,
                 "Run every benchmark N times, backend/targets interleaved (A B C A B C); the headline is the median "
                 "of the trial medians (default 3 when a benchmark runs on several backend/targets, else 1)")
      ->check(CLI::Range(1, 100));
  app.add_flag("--no-cpu-baseline", o.no_cpu_baseline,
               "Do not add the CPU to a selection without it (no speed-ups then)");
  app.add_option("--baseline", o.baseline_file,
                 "Compare with the CPU rows of an earlier results JSON of this machine instead of measuring the CPU")
      ->check(CLI::ExistingFile);
  app.add_flag("--list", o.list,
               "List configs, their model files (as the precision flags and --model-exclude select them) and "
               "whether each is present, then exit");
  app.add_flag("--dry-run", o.dry_run, "Print the plan (every item: config, files, target, trial, sizes) and exit");
  app.add_flag("--plan", o.dry_run, "With --list: print the plan instead (same as --dry-run)");
  app.add_option("--json", o.json_file, "Also write results as JSON to this file");
  app.add_option("--csv", o.csv_file, "Also write results as CSV to this file");
  app.add_option("--markdown", o.markdown_file, "Also write results as a Markdown report to this file");
  app.add_flag("--require-cuda", o.require_cuda,
               "CI smoke check: exit 4 unless at least one CUDA row ran and every CUDA row ran verified on the GPU "
               "(a failure, a CPU fallback, an FP16 demotion or an unverified placement all fail)");
  app.add_flag("--require-same-answers", o.require_same_answers,
               "Exit 5 when a GPU row's answer differs from the CPU's beyond the family's tolerance");
  app.add_option("--resume", o.resume_file,
                 "Carry on the run that wrote this results JSON (and its .journal.jsonl): skip what it measured, "
                 "run the rest and write all to it (or to --json); give the same selection and options");
  app.add_option("--timeout-per-model", o.timeout_per_model,
                 "Abandon a benchmark (one model file on one backend/target, one trial) still running after this "
                 "many seconds: its rows are FAILED (timed out) and the run goes on")
      ->check(CLI::PositiveNumber);
  CLI::Option* quiet = app.add_flag(
      "-q,--quiet", o.quiet, "No progress line, no row per benchmark as it ends: the tables only (files keep every column)");
  app.add_flag("--verbose", o.verbose, "List every absent model and data folder on its own line (default: one "
                                       "summary line with the command that fetches them); also prints the wide table")
      ->excludes(quiet);
  app.add_option_function<std::string>(
         "--table", [&o](const std::string& v) { o.table_wide = v == "wide"; },
         "side-by-side (default): with several backend/targets the GPU-vs-CPU table is the result table; wide: "
         "also the per-row table with stages, first call and trials")
      ->check(CLI::IsMember({"side-by-side", "wide"}));
  app.add_option("--device", o.device,
                 "CUDA device for the CUDA backend/targets: an index (0, 1, ...; as after CUDA_VISIBLE_DEVICES) or "
                 "'all' to spread the trials over every visible GPU, one worker thread each (default: OpenCV's, 0)");
  app.add_flag("--profile", o.profile,
               "After the run, profile every selected config and backend/target per layer (as `zoo-bench profile`)");
  app.add_option("--profile-json", o.profile_json, "With --profile: write every layer of the profiles as JSON here");
}

// `zoo-bench profile`: the selection options of a run plus the profile's own.
CLI::App* add_profile_command(CLI::App& app, BenchOptions& o, ProfileOptions& p) {
  CLI::App* cmd = app.add_subcommand(
      "profile", "Per-layer times on any backend/target (OpenCV's layer timer, and forwards that stop at successive "
                 "layers, differenced), cold start broken down, GPU busy time per forward (with CUPTI) and a verdict, "
                 "fallback layers and their cost");
  cmd->add_option("-c,--cfg", o.configs, "Profile this config file (repeatable)")->check(CLI::ExistingFile);
  cmd->add_flag("--all", o.all, "Profile every config in the configs folder");
  cmd->add_option("--backend-target", o.backend_targets,
                  "Backend/target pairs, comma-separated: 0 OpenCV/CPU, 1 CUDA, 2 CUDA FP16, 3 TIM-VX/NPU, 4 CANN/NPU "
                  "(default: as each config says)")
      ->delimiter(',')
      ->check(CLI::Range(0, static_cast<int>(backend_target_pairs().size()) - 1));
  cmd->add_option("--cfg-exclude", o.cfg_exclude, "With --all: skip configs whose file name contains any of these (a:b)");
  cmd->add_option("--model-exclude", o.model_exclude, "Skip model files whose path contains any of these (x.onnx:y)");
  cmd->add_flag("--fp32", o.fp32, "Select fp32 model files (precision flags combine; none = all)");
  cmd->add_flag("--fp16", o.fp16, "Select fp16 model files");
  cmd->add_flag("--int8", o.int8, "Select int8 model files");
  cmd->add_option("--configs-dir", o.configs_dir, "Config folder (as for a run)");
  cmd->add_option("--models-dir", o.models_dir, "Model root (as for a run)");
  cmd->add_option("--data-dir", o.data_dir, "Benchmark data root (as for a run)");
  cmd->add_option("--repeats", p.settings.repeats,
                  "Timed forwards per cut point (about: repeats / --per-visit sweeps, even, at least 2), steady and "
                  "layer-timer forwards (default 10)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--max-layers", p.settings.max_cuts,
                  "Cut points per net: every layer when the net has at most this many, else fallback layers and "
                  "their neighbours plus evenly spaced groups (default 200)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--top", p.settings.top_n, "Costliest segments listed and compared (default 10)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--sum-tolerance", p.settings.sum_tolerance,
                  "Allowed |sum - whole forward| / whole forward, for the cut segments and for the layer timer's "
                  "layers per forward (default 0.10)")
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--estimator", p.settings.estimator,
                  "How each cut point's forwards become one number: median (default) or min (on a busy machine)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, profile::Estimator>{{"median", profile::Estimator::Median},
                                                    {"min", profile::Estimator::Min}},
          CLI::ignore_case));
  cmd->add_option("--clock", p.settings.clock,
                  "Clock of the cut points and whole forwards: wall (default) or cpu (the process's CPU time: "
                  "immune to pre-emption on a busy machine, the compute time only with OpenCV on one thread)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, ProfileSettings::Clock>{{"wall", ProfileSettings::Clock::Wall},
                                                        {"cpu", ProfileSettings::Clock::ProcessCpu}},
          CLI::ignore_case));
  cmd->add_option("--json", p.json_file, "Write every layer of every profile as JSON to this file");
  cmd->add_flag("--no-gpu-activity{false}", p.gpu_activity, "Do not record GPU activity with CUPTI");
  cmd->add_option("--device", o.device, "CUDA device to profile on: one index (0, 1, ...; as after "
                                        "CUDA_VISIBLE_DEVICES; default: OpenCV's, 0)");
  cmd->add_option("--per-visit", p.settings.per_visit,
                  "Timed forwards per visit of a cut point in each sweep; sweeps = repeats / this, even (default 2)")
      ->check(CLI::Range(1, 1000));
  return cmd;
}

std::string joined_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i == 0 ? "" : " ") + std::string(argv[i]);
  return line;
}

}  // namespace

int cli_main(int argc, char** argv) {
  CLI::App app(kDescription, "zoo-bench");
  app.footer(kFooter);
  app.set_version_flag("--version", fmt::format("zoo-bench {} (OpenCV {})", ZOO_BENCH_VERSION, CV_VERSION));
  BenchOptions options;
  bind_options(app, options);
  std::string doctor_json;
  CLI::App* doctor = app.add_subcommand(
      "doctor", "Check that OpenCV's CUDA target really works here: build facts, GPUs, architecture match, and a "
                "live probe on CUDA and CUDA FP16 (exit 0 usable, 4 not)");
  doctor->add_option("--json", doctor_json, "Also write the report as JSON to this file");
  BenchOptions profile_bench;
  ProfileOptions profile_options;
  CLI::App* profile = add_profile_command(app, profile_bench, profile_options);
  std::string doctor_device;
  doctor->add_option("--device", doctor_device,
                     "Probe this CUDA device (index) or 'all' of them, with one verdict per GPU (default: OpenCV's "
                     "default device)");
  ReportOptions report_options;
  CLI::App* report = app.add_subcommand(
      "report", "Recompute the tables of a results JSON from its raw samples with this zoo-bench's statistics "
                "(the FP16 raw-output check needs the live run and is not redone)");
  report->add_option("results", report_options.results_files,
                     "Results files written by --json; with several, the cross-hardware table (rows benchmarks, "
                     "columns machine x backend/target)")
      ->required()
      ->check(CLI::ExistingFile);
  report->add_option("--json", report_options.json_file, "Write the recomputed results as JSON (one results file)");
  report->add_option("--csv", report_options.csv_file,
                     "Write the recomputed results as CSV (several files: the cross-hardware table, one line per cell)");
  report->add_option("--markdown", report_options.markdown_file,
                     "Write the recomputed results as Markdown (several files: the cross-hardware table)");
  report->add_option("--svg", report_options.svg_file,
                     "Write a bar chart (per benchmark each run x backend/target, log time axis) as SVG");
  CompareOptions compare_options;
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare two results files row by row: NEW/BASE median ratio with a simultaneous 95% interval from both runs' "
                 "samples, a verdict against --threshold, placement and answer changes (exit 6 on a significant "
                 "regression)");
  compare->add_option("base", compare_options.base_file, "The reference results file (--json of a run)")
      ->required()
      ->check(CLI::ExistingFile);
  compare->add_option("new", compare_options.new_file, "The results file to judge")->required()->check(CLI::ExistingFile);
  compare->add_option("--threshold", compare_options.threshold_text,
                      "Practical threshold in percent, '5' or '5%': a row regressed when its whole interval of "
                      "NEW/BASE lies above 1 + threshold (default 5; a bare value below 1 is warned about)")
      ->check([](const std::string& text) {
        return text.empty() ? std::string("give a percentage, e.g. --threshold 5 or 5%") : std::string();
      });
  compare->add_option("--test", compare_options.test,
                      "What makes a row's change significant: bootstrap (default; its simultaneous interval) or mwu "
                      "(the Mann-Whitney U rank test on all raw samples)")
      ->check(CLI::IsMember({"bootstrap", "mwu"}));
  compare->add_option("--markdown", compare_options.markdown_file, "Also write the comparison as Markdown");
  compare->add_option("--json", compare_options.json_file, "Also write the comparison as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  // OpenCV's own INFO chatter would interleave with the tables; warnings still show.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_WARNING);

  try {
    if (doctor->parsed()) return run_doctor_command(doctor_json, std::cout, doctor_device);
    if (report->parsed()) return run_report_command(report_options, std::cout);
    if (profile->parsed()) {
      return run_profile_command(profile_bench, profile_options, joined_command_line(argc, argv), std::cout,
                                 std::cerr);
    }
    if (compare->parsed()) return run_compare_command(compare_options, std::cout, std::cerr);
    if (options.list && !options.dry_run) return list_configs(options, std::cout, std::cerr);
    if (!options.all && options.configs.empty() && !options.dry_run) {
      std::cerr << "zoo-bench: error: nothing to run: give --all or --cfg FILE (or --list)\n"
                << app.help();
      return kExitUsage;
    }
    if (!options.profile_json.empty() && !options.profile) {
      throw ConfigError("--profile-json needs --profile (or use `zoo-bench profile ... --json FILE`)");
    }
    if (options.profile && !options.device.empty() && parse_device_choice(options.device).all) {
      // A profile runs on one GPU; refused before the run rather than after it.
      throw ConfigError("--profile cannot be combined with --device all: a profile runs on one GPU; give --device N");
    }
    // The live line only where a person watches: never in a log file, a pipe or a CI transcript.
    options.progress = !options.quiet && stderr_is_terminal();
    const int code = run_benchmarks(options, joined_command_line(argc, argv), std::cout, std::cerr);
    if (!options.profile || options.dry_run) return code;
    ProfileOptions after_run;
    after_run.json_file = options.profile_json;
    after_run.after_run = true;
    const int profiled = run_profile_command(options, after_run, joined_command_line(argc, argv), std::cout, std::cerr);
    return code != kExitOk ? code : profiled;
  } catch (const ConfigError& e) {
    std::cerr << "zoo-bench: error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const WriteError& e) {  // report's, compare's or profile's output file
    std::cerr << "zoo-bench: error: " << e.what() << "\n";
    return kExitNotSaved;
  } catch (const Error& e) {
    std::cerr << "zoo-bench: error: " << e.what() << "\n";
    return kExitFailed;
  } catch (const cv::Exception& e) {
    std::cerr << "zoo-bench: error: OpenCV: " << e.what() << "\n";
    return kExitFailed;
  } catch (const std::exception& e) {
    std::cerr << "zoo-bench: error: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace zoobench
