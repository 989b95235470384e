#include "zoobench/stats/aggregate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "zoobench/stats/trials.hpp"

#include <cmath>

namespace zoobench {

namespace {

using RowKey = std::tuple<bool, std::string, std::string, std::string, std::string, int, int, int>;

RowKey key_of(const RunRecord& r, bool from_file) {
  return {from_file, r.config, r.model, r.file_list, r.precision, r.input_size.width, r.input_size.height,
          r.backend_target.index};
}

// The same benchmark on another pair: model files, precision and input size (the config may differ
// between runs when a baseline file is used).
bool same_benchmark(const BenchmarkRow& a, const BenchmarkRow& b) {
  return a.model == b.model && a.file_list == b.file_list && a.precision == b.precision &&
         a.input_size == b.input_size;
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::uint64_t seed_of(const BenchmarkRow& row) {
  return fnv1a(fmt::format("{}|{}|{}x{}|{}", row.model, row.file_list, row.input_size.width, row.input_size.height,
                           row.backend_target.index));
}

double median_or_zero(std::vector<double> values) { return values.empty() ? 0 : stats::median(values); }

stats::Trials trials_of(const BenchmarkRow& row, const std::vector<RunRecord>& records,
                        const std::vector<double> StageSamples::*stage) {
  stats::Trials trials;
  for (auto i : row.record_indices) {
    if (records[i].status == Status::Ok) trials.push_back(records[i].samples.*stage);
  }
  return trials;
}

void summarise_row(BenchmarkRow& row, const std::vector<RunRecord>& records, bool intervals) {
  std::vector<double> pooled, loads, firsts, inits;
  std::vector<double> pre, inf, post;
  for (auto i : row.record_indices) {
    const RunRecord& r = records[i];
    row.placement = merge_evidence(row.placement, r.device);
    for (const auto& m : r.opencv_messages) {
      if (std::find(row.opencv_messages.begin(), row.opencv_messages.end(), m) == row.opencv_messages.end()) {
        row.opencv_messages.push_back(m);
      }
    }
    if (r.status != Status::Ok) {
      if (row.status == Status::Ok) row.status = r.status, row.message = r.message;
      continue;
    }
    ++row.trials_ok;
    row.trial_medians.push_back(stats::median(r.samples.total));
    pooled.insert(pooled.end(), r.samples.total.begin(), r.samples.total.end());
    pre.push_back(stats::median(r.samples.preprocess));
    inf.push_back(stats::median(r.samples.infer));
    post.push_back(stats::median(r.samples.postprocess));
    if (r.load_ms > 0) loads.push_back(r.load_ms);
    if (std::isfinite(r.first_call_ms)) firsts.push_back(r.first_call_ms);  // null in a file reads as NaN
    if (!r.init_ms.empty()) inits.push_back(stats::median(r.init_ms));
    if (row.net_input_shapes.empty()) row.net_input_shapes = r.net_input_shapes;
    if (row.result.empty()) row.result = r.result;
  }
  const stats::Trials totals = trials_of(row, records, &StageSamples::total);
  row.median = stats::median_of_medians(totals);
  if (intervals) row.median_ci95 = stats::median_interval(totals, seed_of(row));
  const std::optional<bool> disagree = stats::trials_disagree(totals);
  row.stability_assessed = disagree.has_value();
  row.unstable = disagree.value_or(false);
  row.pooled = stats::summarize(pooled);
  row.preprocess = median_or_zero(pre);
  row.infer = median_or_zero(inf);
  row.postprocess = median_or_zero(post);
  row.load_ms = median_or_zero(loads);
  row.first_call_ms = median_or_zero(firsts);
  row.init_ms = median_or_zero(inits);
}

std::vector<BenchmarkRow> group_rows(const std::vector<RunRecord>& records, bool from_file, bool intervals) {
  std::vector<BenchmarkRow> rows;
  std::map<RowKey, std::size_t> index;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RunRecord& r = records[i];
    const auto [it, added] = index.emplace(key_of(r, from_file), rows.size());
    if (added) {
      BenchmarkRow row;
      row.config = r.config, row.model = r.model, row.precision = r.precision, row.file_list = r.file_list;
      row.backend_target = r.backend_target, row.input_size = r.input_size, row.from_baseline_file = from_file;
      row.trials = r.trials, row.warmup = r.warmup, row.repeat = r.repeat, row.note = r.note;
      rows.push_back(std::move(row));
    }
    rows[it->second].record_indices.push_back(i);
  }
  for (auto& row : rows) summarise_row(row, records, intervals);
  return rows;
}

const RunRecord* first_ok(const BenchmarkRow& row, const std::vector<RunRecord>& records) {
  for (auto i : row.record_indices) {
    if (records[i].status == Status::Ok) return &records[i];
  }
  return nullptr;
}

RunRecord* first_ok_mutable(const BenchmarkRow& row, std::vector<RunRecord>& records) {
  for (auto i : row.record_indices) {
    if (records[i].status == Status::Ok) return &records[i];
  }
  return nullptr;
}

struct RowRef {
  const BenchmarkRow* row = nullptr;
  const std::vector<RunRecord>* records = nullptr;
};

// The measured row of this run for the same benchmark (config, files, precision, size) whose pair
// satisfies `wanted`; null when there is none.
template <typename Wanted>
const BenchmarkRow* measured_row(const ResultSet& set, const BenchmarkRow& like, Wanted wanted) {
  for (const auto& r : set.rows) {
    if (wanted(r.backend_target) && !r.from_baseline_file && r.ok() && r.config == like.config &&
        same_benchmark(r, like)) {
      return &r;
    }
  }
  return nullptr;
}

bool is_cpu(const BackendTarget& p) { return !p.accelerator; }
bool is_cuda_fp32(const BackendTarget& p) { return p.cuda && !p.fp16; }

// The measured CPU row for `row`: from this run first, else from the baseline file.
RowRef cpu_row_for(const BenchmarkRow& row, const ResultSet& set, const std::vector<BenchmarkRow>& baseline_rows,
                   const std::vector<RunRecord>& baseline_records) {
  if (const BenchmarkRow* r = measured_row(set, row, is_cpu)) return {r, &set.records};
  for (const auto& r : baseline_rows) {
    if (r.ok() && same_benchmark(r, row)) return {&r, &baseline_records};
  }
  return {};
}

void compare_with_cpu(BenchmarkRow& row, const RowRef& cpu, std::vector<RunRecord>& records,
                      const std::string& baseline_file, const AnswerTolerance& tolerance, bool intervals) {
  if (cpu.row == nullptr) {
    // With --baseline the user expects every GPU row to be compared: say which one the file cannot serve.
    row.no_speedup_reason = baseline_file.empty() ? "no CPU row" : "no CPU row in --baseline";
    return;
  }
  RunRecord* mine = first_ok_mutable(row, records);
  const RunRecord* theirs = first_ok(*cpu.row, *cpu.records);
  if (mine != nullptr && theirs != nullptr) {
    Agreement a = compare_answers(theirs->answers, mine->answers, tolerance);
    a.max_abs_diff = max_abs_diff(theirs->raw_outputs, mine->raw_outputs);
    if (!a.max_abs_diff) a.max_abs_diff = mine->checks.max_abs_diff_vs_cpu;  // read back from a file
    mine->checks.max_abs_diff_vs_cpu = a.max_abs_diff;
    row.agreement = a;
  }
  if (!row.ok()) return;
  if (row.backend_target.placement_checked && !row.placement.verified()) {
    row.no_speedup_reason = row.placement.fell_back() ? "CPU FALLBACK" : "UNVERIFIED";
    return;
  }
  if (row.median <= 0) return;
  SpeedUp s;
  s.ratio = cpu.row->median / row.median;
  const stats::Trials cpu_trials = trials_of(*cpu.row, *cpu.records, &StageSamples::total);
  const stats::Trials my_trials = trials_of(row, records, &StageSamples::total);
  // Trials of one run were interleaved (CPU, GPU, CPU, GPU, ...): pair them. A file's CPU rows were not.
  if (intervals) {
    s.ci95 = stats::speedup_interval(cpu_trials, my_trials, !cpu.row->from_baseline_file, seed_of(row));
  }
  s.baseline = cpu.row->from_baseline_file ? baseline_file : "";
  row.speedup = s;
}

double largest_abs(const std::vector<cv::Mat>& outputs) {
  double largest = 0;
  for (const auto& m : outputs) {
    double lo = 0, hi = 0;
    cv::minMaxIdx(m.reshape(1, 1), &lo, &hi);
    largest = std::max({largest, std::abs(lo), std::abs(hi)});
  }
  return largest;
}

// The FP16 row's raw outputs against a reference: the FP32 CUDA row of this run, else the CPU row
// (FP32 kernels differ from the CPU by summation order only, far below FP16 rounding). Computed from
// raw outputs when they are there, else taken from the record (a results file read back).
void measure_fp16_difference(RunRecord& fp16, const RunRecord* fp32, const RunRecord* cpu) {
  const RunRecord* reference = fp32 != nullptr && !fp32->raw_outputs.empty() ? fp32 : cpu;
  if (reference == nullptr || fp16.raw_outputs.empty() || reference->raw_outputs.empty()) return;
  fp16.checks.fp16_max_abs_diff = max_abs_diff(reference->raw_outputs, fp16.raw_outputs);
  fp16.checks.fp16_reference = reference == fp32 ? "CUDA" : "CPU";
  fp16.checks.fp16_reference_scale = largest_abs(reference->raw_outputs);
}

// FP16 proof beyond the dump label: an output within FP16 rounding of an FP32 output on the same input
// means no FP16 arithmetic happened, whatever the label says.
void check_fp16(BenchmarkRow& row, ResultSet& set) {
  if (!row.backend_target.fp16) return;
  RunRecord* fp16 = first_ok_mutable(row, set.records);
  if (fp16 == nullptr) return;
  const BenchmarkRow* fp32_row = measured_row(set, row, is_cuda_fp32);
  const BenchmarkRow* cpu_row = measured_row(set, row, is_cpu);  // not an NPU row: the CPU itself
  measure_fp16_difference(*fp16, fp32_row ? first_ok(*fp32_row, set.records) : nullptr,
                          cpu_row ? first_ok(*cpu_row, set.records) : nullptr);
  const auto& c = fp16->checks;
  if (!c.fp16_max_abs_diff) return;  // no reference in this run: the dump label and the device decide
  row.fp16_vs_fp32_diff = c.fp16_max_abs_diff;
  const double floor = kFp16RoundingFloor * c.fp16_reference_scale;
  if (c.fp16_reference_scale > 0 && *c.fp16_max_abs_diff < floor && row.placement.verified()) {
    row.placement.state = Placement::Unverified;
    row.placement.reason = fmt::format("FP16 not proven: the outputs differ from the {} outputs by {:.3g}, less "
                                       "than FP16 rounding ({:.3g})", c.fp16_reference == "CUDA" ? "FP32 CUDA" : "CPU",
                                       *c.fp16_max_abs_diff, floor);
  }
}

void add_notes(ResultSet& set) {
  for (const auto& r : set.records) {
    for (const auto& m : r.opencv_messages) {
      if (is_cudnn9_false_alarm(m)) {
        set.notes.push_back(cudnn9_false_alarm_note("the runs are not affected."));
        return;
      }
    }
  }
}

}  // namespace

ResultSet aggregate(Environment environment, std::vector<RunRecord> records, const std::vector<RunRecord>& baseline,
                    std::string baseline_file, ToleranceLookup tolerance_for, Intervals intervals) {
  const bool with_intervals = intervals == Intervals::Bootstrap;
  ResultSet set;
  set.environment = std::move(environment);
  set.records = std::move(records);
  set.baseline_file = std::move(baseline_file);
  set.rows = group_rows(set.records, false, with_intervals);
  const std::vector<BenchmarkRow> baseline_rows = group_rows(baseline, true, with_intervals);
  for (auto& row : set.rows) {
    if (row.backend_target.accelerator) {
      check_fp16(row, set);
      const RowRef cpu = cpu_row_for(row, set, baseline_rows, baseline);
      compare_with_cpu(row, cpu, set.records, set.baseline_file, tolerance_for(row.model), with_intervals);
    }
  }
  // Baseline rows are shown (marked) so the speed-ups can be traced to them: those of the models this
  // run selected, not every row the file holds.
  const std::size_t run_rows = set.rows.size();
  for (auto row : baseline_rows) {
    const bool selected = std::any_of(set.rows.begin(), set.rows.begin() + static_cast<std::ptrdiff_t>(run_rows),
                                      [&](const BenchmarkRow& r) { return r.model == row.model && r.file_list == row.file_list; });
    if (!selected) continue;
    row.record_indices.clear();  // they index the baseline file's records, which are not kept
    set.rows.push_back(std::move(row));
  }
  for (auto& row : set.rows) row.gpus = gpus_of(row, set.records);
  set.gpu_comparison = compare_gpus(set.rows, set.records);
  add_notes(set);
  return set;
}

}  // namespace zoobench
