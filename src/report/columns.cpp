#include "zoobench/report/columns.hpp"

#include <fmt/format.h>

namespace zoobench {

namespace {

using A = Table::Align;
using nlohmann::json;

Cell ms_cell(double ms) { return {format_ms(ms), ms}; }
Cell text_cell(const std::string& text) { return {text.empty() ? "-" : text, text}; }
Cell optional_ms(double ms, bool present) { return present ? ms_cell(ms) : Cell{"-", nullptr}; }

Cell interval_cell(const std::optional<stats::Interval>& ci) {
  if (!ci) return {"-", nullptr};
  return {fmt::format("{}-{}", format_ms(ci->low), format_ms(ci->high)), json::array({ci->low, ci->high})};
}

// What ran.
std::vector<Column> identity_columns() {
  return {
      {"config", "config", A::Left, false, [](const BenchmarkRow& r) { return text_cell(r.config); }},
      {"model", "model", A::Left, true,
       [](const BenchmarkRow& r) { return Cell{fmt::format("{} {}", r.model, r.file_list), r.model}; }},
      {"files", "files", A::Left, false, [](const BenchmarkRow& r) { return text_cell(r.file_list); }},
      {"precision", "precision", A::Left, false, [](const BenchmarkRow& r) { return text_cell(r.precision); }},
      {"backend_target", "target", A::Left, true,
       [](const BenchmarkRow& r) {
         return Cell{r.backend_target.name + (r.from_baseline_file ? " (baseline file)" : ""), r.backend_target.index};
       }},
      {"gpu", "GPU", A::Left, false,
       [](const BenchmarkRow& r) {
         std::string text;
         for (int g : r.gpus) text += (text.empty() ? "" : ",") + std::to_string(g);
         return Cell{text.empty() ? "-" : text, r.gpus.empty() ? json(nullptr) : json(r.gpus)};
       }},
      {"source", "source", A::Left, false,
       [](const BenchmarkRow& r) { return text_cell(r.from_baseline_file ? "baseline file" : "measured"); }},
      {"input_size", "size", A::Left, true,
       [](const BenchmarkRow& r) {
         if (r.input_size.empty()) return Cell{"-", nullptr};  // it never got as far as the data
         return Cell{size_text(r.input_size), json::array({r.input_size.width, r.input_size.height})};
       }},
      {"net_input", "net input", A::Left, true,
       [](const BenchmarkRow& r) { return Cell{shapes_text(r.net_input_shapes), r.net_input_shapes}; }},
      {"trials", "trials", A::Right, true,
       [](const BenchmarkRow& r) { return Cell{fmt::format("{}/{}", r.trials_ok, r.trials), r.trials_ok}; }},
      {"n", "n", A::Right, true,
       [](const BenchmarkRow& r) { return Cell{std::to_string(r.pooled.n), r.pooled.n}; }},
  };
}

// How long it took: the headline over trials, then the pooled samples' spread, stages and cold start.
std::vector<Column> timing_columns() {
  return {
      {"median_ms", "median", A::Right, true, [](const BenchmarkRow& r) { return ms_cell(r.median); }},
      {"median_ci95_ms", "95% CI", A::Right, true, [](const BenchmarkRow& r) { return interval_cell(r.median_ci95); }},
      {"trial_medians_ms", "trial medians", A::Right, false,
       [](const BenchmarkRow& r) {
         std::string text;
         for (double m : r.trial_medians) text += (text.empty() ? "" : " ") + format_ms(m);
         return Cell{text.empty() ? "-" : text, r.trial_medians};
       }},
      {"stable", "stable", A::Left, true,
       [](const BenchmarkRow& r) {
         if (!r.stability_assessed) return Cell{"-", nullptr};  // too few trials or samples to judge
         return Cell{r.unstable ? "UNSTABLE" : "yes", !r.unstable};
       }},
      {"zoo_mean_ms", "zoo mean", A::Right, false, [](const BenchmarkRow& r) { return ms_cell(r.pooled.zoo_mean); }},
      {"min_ms", "min", A::Right, false, [](const BenchmarkRow& r) { return ms_cell(r.pooled.min); }},
      {"mean_ms", "mean", A::Right, false, [](const BenchmarkRow& r) { return ms_cell(r.pooled.mean); }},
      {"stddev_ms", "stddev", A::Right, false, [](const BenchmarkRow& r) { return ms_cell(r.pooled.stddev); }},
      {"cv", "cv", A::Right, false,
       [](const BenchmarkRow& r) { return Cell{fmt::format("{:.1f}%", r.pooled.cv * 100), r.pooled.cv}; }},
      {"p90_ms", "p90", A::Right, false,
       [](const BenchmarkRow& r) { return optional_ms(r.pooled.p90.value_or(0), r.pooled.p90.has_value()); }},
      {"p99_ms", "p99", A::Right, false,
       [](const BenchmarkRow& r) { return optional_ms(r.pooled.p99.value_or(0), r.pooled.p99.has_value()); }},
      {"preprocess_ms", "pre", A::Right, true, [](const BenchmarkRow& r) { return ms_cell(r.preprocess); }},
      {"infer_ms", "infer", A::Right, true, [](const BenchmarkRow& r) { return ms_cell(r.infer); }},
      {"postprocess_ms", "post", A::Right, true, [](const BenchmarkRow& r) { return ms_cell(r.postprocess); }},
      {"load_ms", "load", A::Right, false, [](const BenchmarkRow& r) { return optional_ms(r.load_ms, r.load_ms > 0); }},
      {"first_call_ms", "first call", A::Right, true, [](const BenchmarkRow& r) { return ms_cell(r.first_call_ms); }},
      {"init_ms", "init", A::Right, false, [](const BenchmarkRow& r) { return optional_ms(r.init_ms, r.init_ms > 0); }},
  };
}

// Whether it is true: where it ran, the speed-up, the answer, how it ended.
std::vector<Column> truth_columns() {
  return {
      {"placement", "placement", A::Left, true,
       [](const BenchmarkRow& r) { return Cell{r.placement.short_text(), placement_name(r.placement.state)}; }},
      {"placement_detail", "placement detail", A::Left, false,
       [](const BenchmarkRow& r) { return text_cell(r.placement.describe()); }},
      {"speedup_vs_cpu", "speed-up vs CPU", A::Right, true,
       [](const BenchmarkRow& r) {
         return Cell{speedup_text(r), r.speedup ? json(r.speedup->ratio) : json(nullptr)};
       }},
      {"speedup_ci95", "speed-up 95% CI", A::Right, false,
       [](const BenchmarkRow& r) {
         if (!r.speedup || !r.speedup->ci95) return Cell{"-", nullptr};
         const auto& ci = *r.speedup->ci95;
         return Cell{fmt::format("{:.2f}-{:.2f}", ci.low, ci.high), json::array({ci.low, ci.high})};
       }},
      {"answer_vs_cpu", "answer vs CPU", A::Left, true,
       [](const BenchmarkRow& r) {
         if (!r.agreement) return Cell{"-", nullptr};
         if (!r.agreement->compared) return Cell{answer_text(r), "not compared"};
         return Cell{answer_text(r), r.agreement->differs ? "differs" : "same"};
       }},
      {"max_abs_diff_vs_cpu", "max |diff| vs CPU", A::Right, false,
       [](const BenchmarkRow& r) {
         if (!r.agreement || !r.agreement->max_abs_diff) return Cell{"-", nullptr};
         return Cell{fmt::format("{:.3g}", *r.agreement->max_abs_diff), *r.agreement->max_abs_diff};
       }},
      {"fp16_vs_fp32_max_abs_diff", "FP16 vs FP32 max |diff|", A::Right, false,
       [](const BenchmarkRow& r) {
         if (!r.fp16_vs_fp32_diff) return Cell{"-", nullptr};
         return Cell{fmt::format("{:.3g}", *r.fp16_vs_fp32_diff), *r.fp16_vs_fp32_diff};
       }},
  };
}

// How it ended.
std::vector<Column> outcome_columns() {
  return {
      {"result", "result", A::Left, false, [](const BenchmarkRow& r) { return text_cell(r.result); }},
      {"status", "status", A::Left, false, [](const BenchmarkRow& r) { return text_cell(status_name(r.status)); }},
      {"message", "message", A::Left, false, [](const BenchmarkRow& r) { return text_cell(r.message); }},
  };
}

// A row that did not run has no numbers: null, not a zero that a later comparison would read as one.
std::vector<Column> only_when_measured(std::vector<Column> columns) {
  for (auto& c : columns) {
    c.cell = [cell = std::move(c.cell)](const BenchmarkRow& r) { return r.ok() ? cell(r) : Cell{"-", nullptr}; };
  }
  return columns;
}

std::vector<Column> make_columns() {
  std::vector<Column> all;
  for (auto group : {identity_columns(), only_when_measured(timing_columns()), only_when_measured(truth_columns()),
                     outcome_columns()}) {
    all.insert(all.end(), group.begin(), group.end());
  }
  return all;
}

}  // namespace

const std::vector<Column>& row_columns() {
  static const std::vector<Column> columns = make_columns();
  return columns;
}

Table rows_table(const ResultSet& set, bool console_only) {
  std::vector<std::string> headers;
  std::vector<Table::Align> align;
  for (const auto& c : row_columns()) {
    if (console_only && !c.console) continue;
    headers.push_back(c.header);
    align.push_back(c.align);
  }
  Table table(headers, align);
  for (const auto& row : set.rows) {
    if (!row.ok()) continue;
    std::vector<std::string> cells;
    for (const auto& c : row_columns()) {
      if (!console_only || c.console) cells.push_back(c.cell(row).text);
    }
    table.add_row(std::move(cells));
  }
  return table;
}

std::string format_ms(double ms) { return fmt::format("{:.2f}", ms); }

std::string size_text(const cv::Size& size) { return fmt::format("[{}, {}]", size.width, size.height); }

std::string shapes_text(const std::vector<std::vector<int>>& shapes) {
  std::string text;
  for (const auto& shape : shapes) {
    std::string one;
    for (int d : shape) one += (one.empty() ? "" : "x") + std::to_string(d);
    text += (text.empty() ? "" : " ") + one;
  }
  return text.empty() ? "-" : text;
}

std::string speedup_text(const BenchmarkRow& row) {
  if (!row.backend_target.accelerator) return "-";
  if (!row.speedup) return row.no_speedup_reason.empty() || row.no_speedup_reason == "no CPU row" ? "-"
                                                                                                   : row.no_speedup_reason;
  const SpeedUp& s = *row.speedup;
  std::string text = fmt::format("{:.2f}x", s.ratio);
  if (s.ci95) text += fmt::format(" ({:.2f}-{:.2f})", s.ci95->low, s.ci95->high);
  if (!s.baseline.empty()) text += " vs baseline file";
  return text;
}

std::string answer_text(const BenchmarkRow& row) {
  if (!row.agreement) return "-";
  const Agreement& a = *row.agreement;
  if (!a.compared) return a.summary.empty() ? "not compared" : a.summary;
  const std::string what = a.summary.empty() && a.max_abs_diff ? fmt::format("max |diff| {:.3g}", *a.max_abs_diff)
                                                               : a.summary;
  return a.differs ? "ANSWER DIFFERS: " + what : "same (" + what + ")";
}

}  // namespace zoobench
