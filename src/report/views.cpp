// Views built from rows: the side-by-side GPU-vs-CPU table, the problem table, notes and counts.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "zoobench/report/columns.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

std::string zoo_row(const RunRecord& record) {
  const auto& t = record.samples.total;
  return fmt::format("{:<10.2f} {:<10.2f} {:<10.2f} {:<12} {} with {}", stats::zoo_mean(t), stats::median(t),
                     stats::min(t), size_text(record.input_size), record.model, record.file_list);
}

Table comparison_table(const ResultSet& set) {
  using Key = std::tuple<std::string, std::string, int, int>;
  std::map<Key, std::map<int, const BenchmarkRow*>> by_benchmark;
  std::map<int, std::string> pair_names;
  std::vector<Key> order;
  for (const auto& row : set.rows) {
    if (!row.ok()) continue;
    const Key key{row.model, row.file_list, row.input_size.width, row.input_size.height};
    if (by_benchmark.count(key) == 0) order.push_back(key);
    // A CPU row read from --baseline FILE only fills the column when this run measured no CPU row:
    // the speed-ups prefer the measured one (aggregate), so the median shown beside them must too.
    auto& cells = by_benchmark[key];
    if (row.from_baseline_file && cells.count(row.backend_target.index) > 0) continue;
    cells[row.backend_target.index] = &row;
    pair_names[row.backend_target.index] = row.backend_target.name;
  }
  std::vector<std::string> headers = {"model", "size"};
  std::vector<Table::Align> align = {Table::Align::Left, Table::Align::Left};
  for (const auto& [index, name] : pair_names) {
    headers.push_back(name + " ms");
    align.push_back(Table::Align::Right);
    if (index == 0) continue;
    for (const char* h : {" speed-up (95% CI)", " placement", " answer"}) {
      headers.push_back(name + h);
      align.push_back(h[1] == 's' ? Table::Align::Right : Table::Align::Left);
    }
  }
  Table table(headers, align);
  if (pair_names.size() < 2) return table;  // nothing to compare
  for (const auto& key : order) {
    const auto& cells = by_benchmark[key];
    std::vector<std::string> row = {fmt::format("{} {}", std::get<0>(key), std::get<1>(key)),
                                    size_text({std::get<2>(key), std::get<3>(key)})};
    for (const auto& [index, name] : pair_names) {
      const auto it = cells.find(index);
      const BenchmarkRow* r = it == cells.end() ? nullptr : it->second;
      row.push_back(r == nullptr ? "-"
                                 : format_ms(r->median) + (r->from_baseline_file ? " (file)" : "") +
                                       (r->unstable ? " UNSTABLE" : ""));
      if (index == 0) continue;
      row.push_back(r == nullptr ? "-" : speedup_text(*r));
      row.push_back(r == nullptr ? "-" : r->placement.short_text());
      row.push_back(r == nullptr ? "-" : answer_text(*r));
    }
    table.add_row(std::move(row));
  }
  return table;
}

Table problem_table(const ResultSet& set, bool include_missing) {
  // One line per problem: the same reason on several targets (model files absent for all) is one line.
  struct Line {
    std::string config, model, targets, status, reason;
  };
  std::vector<Line> lines;
  for (const auto& r : set.rows) {
    if (r.ok() || (!include_missing && r.status == Status::Missing)) continue;
    const std::string model = r.file_list.empty() ? r.model : fmt::format("{} {}", r.model, r.file_list);
    const std::string status = status_name(r.status);
    auto same = [&](const Line& l) {
      return l.config == r.config && l.model == model && l.status == status && l.reason == r.message;
    };
    const auto it = std::find_if(lines.begin(), lines.end(), same);
    if (it != lines.end()) {
      if (it->targets.find(r.backend_target.name) == std::string::npos) it->targets += ", " + r.backend_target.name;
      continue;
    }
    lines.push_back({r.config, model, r.backend_target.name, status, r.message});
  }
  Table table({"config", "model", "target", "status", "reason"});
  for (auto& l : lines) table.add_row({l.config, l.model, l.targets, l.status, l.reason});
  return table;
}

std::vector<std::string> row_notes(const ResultSet& set) {
  std::vector<std::string> notes;
  auto add = [&](const std::string& line) {
    if (std::find(notes.begin(), notes.end(), line) == notes.end()) notes.push_back(line);
  };
  for (const auto& r : set.rows) {
    if (!r.ok()) continue;
    const std::string what = fmt::format("{} {} {} on {}", r.model, r.file_list, size_text(r.input_size),
                                         r.backend_target.name);
    if (!r.note.empty()) add(fmt::format("{} {}: {}", r.model, r.file_list, r.note));
    if (r.placement.checked() && !r.placement.verified()) add(fmt::format("{}: {}", what, r.placement.describe()));
    if (r.answer_differs()) add(fmt::format("{}: ANSWER DIFFERS from the CPU: {}", what, r.agreement->summary));
    if (r.unstable) {
      std::string medians;
      for (double m : r.trial_medians) medians += (medians.empty() ? "" : ", ") + format_ms(m);
      add(fmt::format("{}: UNSTABLE: trial medians {} ms disagree beyond their own spread", what, medians));
    }
  }
  for (const auto& n : set.notes) add(n);
  return notes;
}

std::string status_counts(const ResultSet& set) {
  std::map<Status, int> counts;
  for (const auto& r : set.rows) ++counts[r.status];
  return fmt::format("{} ok, {} failed, {} missing, {} unsupported (benchmark rows; each over its trials)",
                     counts[Status::Ok], counts[Status::Failed], counts[Status::Missing], counts[Status::Unsupported]);
}

std::string environment_line(const Environment& env) {
  std::string line = fmt::format("zoo-bench {} | OpenCV {} ({}", env.zoo_bench_version, env.opencv_version,
                                 env.opencv_cuda);
  if (!env.cuda_version.empty()) line += fmt::format(", CUDA {}", env.cuda_version);
  if (!env.cudnn_version.empty()) line += fmt::format(", cuDNN {}", env.cudnn_version);
  line += fmt::format(") | {} | {} OpenCV threads", env.cpu, env.opencv_threads);
  if (!env.gpus.empty()) {
    line += fmt::format(" | {} | NVIDIA driver {} (CUDA driver API {}, runtime {}, cuDNN loaded {})", gpus_text(env),
                        env.nvidia_driver.empty() ? "?" : env.nvidia_driver, env.driver_version,
                        env.cuda_runtime.empty() ? "?" : env.cuda_runtime, env.cudnn_loaded.empty() ? "?" : env.cudnn_loaded);
  }
  return line;
}

}  // namespace zoobench
