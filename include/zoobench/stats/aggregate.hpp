#pragma once
// Aggregates, computed once after measurement: the records of one benchmark (same config, model
// files, input size and backend/target) across trials become one row with its headline statistics,
// merged placement, speed-up against the CPU row (with a bootstrap interval over trials and samples),
// agreement of its answers with the CPU's, and a stability flag. Reporters only format rows.
#include <optional>
#include <string>
#include <vector>

#include "zoobench/device/environment.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/stats/agreement.hpp"
#include "zoobench/stats/gpu_compare.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

struct SpeedUp {
  double ratio = 0;                      // CPU headline / this row's headline
  std::optional<stats::Interval> ci95;   // bootstrap over the trials and samples of both rows
  std::string baseline;                  // "" when measured in this run; else the results file it came from
};

struct BenchmarkRow {
  // Identity.
  std::string config, model, precision, file_list;
  BackendTarget backend_target;
  cv::Size input_size;
  std::vector<std::vector<int>> net_input_shapes;
  bool from_baseline_file = false;       // a CPU row read from --baseline FILE, not measured now
  // How it ended: Ok when every trial measured; otherwise the first failure's status and message.
  Status status = Status::Ok;
  std::string message;
  int trials = 0;                        // trials planned
  int trials_ok = 0;                     // trials measured
  int warmup = 0, repeat = 0;
  // Timing (ms). The headline is the median of the trial medians.
  std::vector<double> trial_medians;
  double median = 0;
  std::optional<stats::Interval> median_ci95;  // bootstrap over trials and samples
  stats::Summary pooled;                 // all timed samples of all trials together
  double preprocess = 0, infer = 0, postprocess = 0;  // median of the trial medians per stage
  bool unstable = false;                 // the trials disagree beyond their own spread
  bool stability_assessed = false;       // two or more trials with enough samples to judge
  double load_ms = 0, first_call_ms = 0, init_ms = 0; // medians over trials (cold start)
  // Truth about the GPU and the answer.
  DeviceEvidence placement;              // merged over trials
  std::optional<SpeedUp> speedup;        // accelerators with a measured CPU row, placement verified
  std::string no_speedup_reason;         // why an accelerator row has no speed-up
  std::optional<Agreement> agreement;    // against the CPU row's answers (first measured trial of each)
  std::optional<double> fp16_vs_fp32_diff;  // CUDA_FP16 rows: max |diff| of raw outputs vs the CUDA row
  std::string result, note;
  std::vector<std::string> opencv_messages;
  std::vector<std::size_t> record_indices;  // into ResultSet::records, trial order
  std::vector<int> gpus;                 // --device: the GPUs its trials ran on (empty without --device)

  bool ok() const { return status == Status::Ok; }
  bool answer_differs() const { return agreement && agreement->differs; }
};

struct ResultSet {
  Environment environment;
  std::vector<RunRecord> records;        // as measured, in run order
  std::vector<BenchmarkRow> rows;        // one per benchmark, in first-record order
  std::vector<std::string> notes;        // once per run, e.g. OpenCV 4.10's cuDNN 9 false alarm
  std::string baseline_file;             // --baseline FILE, if any
  GpuComparison gpu_comparison;          // --device runs: the GPUs side by side
};


// Tolerance for a model family's answers (by Model.name); the defaults for unknown names.
using ToleranceLookup = AnswerTolerance (*)(const std::string& model);

// Bootstrap intervals cost about a millisecond per row; snapshots written while a run goes on skip them.
enum class Intervals { Bootstrap, Skip };

// Builds the rows. `baseline` holds CPU records read from an earlier results file (may be empty);
// they are compared with, never re-measured.
ResultSet aggregate(Environment environment, std::vector<RunRecord> records, const std::vector<RunRecord>& baseline,
                    std::string baseline_file, ToleranceLookup tolerance_for,
                    Intervals intervals = Intervals::Bootstrap);

}  // namespace zoobench
