#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "zoobench/report/report.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

namespace {

std::string size_text(const cv::Size& size) { return fmt::format("[{}, {}]", size.width, size.height); }

std::string model_text(const RunRecord& r) { return fmt::format("{} {}", r.model, r.file_list); }

// Where the layers ran, for CUDA targets: "GPU 57/57" or "CPU FALLBACK ...".
std::string placement_text(const RunRecord& r) {
  return r.device.short_text();
}

}  // namespace

std::string format_ms(double ms) { return fmt::format("{:.2f}", ms); }

std::string zoo_row(const RunRecord& record) {
  const auto& t = record.samples.total;
  return fmt::format("{:<10.2f} {:<10.2f} {:<10.2f} {:<12} {} with {}", stats::zoo_mean(t), stats::median(t),
                     stats::min(t), size_text(record.input_size), record.model, record.file_list);
}

Table stage_table(const std::vector<RunRecord>& records) {
  using A = Table::Align;
  Table table({"model", "target", "size", "n", "preprocess", "infer", "postprocess", "total", "min", "p90", "cv",
               "median 95% CI", "first call", "load", "placement"},
              {A::Left, A::Left, A::Left, A::Right, A::Right, A::Right, A::Right, A::Right, A::Right, A::Right,
               A::Right, A::Right, A::Right, A::Right, A::Left});
  for (const auto& r : records) {
    if (r.status != Status::Ok) continue;
    const stats::Summary total = stats::summarize(r.samples.total);
    const std::string ci = total.median_ci95 ? fmt::format("{}-{}", format_ms(total.median_ci95->low),
                                                           format_ms(total.median_ci95->high))
                                             : "-";
    table.add_row({model_text(r), r.backend_target.name, size_text(r.input_size), std::to_string(total.n),
                   format_ms(stats::median(r.samples.preprocess)), format_ms(stats::median(r.samples.infer)),
                   format_ms(stats::median(r.samples.postprocess)), format_ms(total.median), format_ms(total.min),
                   total.p90 ? format_ms(*total.p90) : "-", fmt::format("{:.1f}%", total.cv * 100), ci,
                   format_ms(r.first_call_ms), r.load_ms > 0 ? format_ms(r.load_ms) : "-", placement_text(r)});
  }
  return table;
}

Table comparison_table(const std::vector<RunRecord>& records) {
  // Group the Ok records by (model files, size); columns are the backend/targets present.
  using Key = std::tuple<std::string, std::string, int, int>;
  struct Cell {
    double median = 0;
    bool fell_back = false;
  };
  std::map<Key, std::map<int, Cell>> medians;  // key -> pair index -> median total
  std::map<int, std::string> pair_names;
  for (const auto& r : records) {
    if (r.status != Status::Ok) continue;
    medians[{r.model, r.file_list, r.input_size.width, r.input_size.height}][r.backend_target.index] = {
        stats::median(r.samples.total), r.device.fell_back()};
    pair_names[r.backend_target.index] = r.backend_target.name;
  }
  std::vector<std::string> headers = {"model", "size"};
  std::vector<Table::Align> align = {Table::Align::Left, Table::Align::Left};
  for (const auto& [index, name] : pair_names) {
    headers.push_back(name + " median ms");
    align.push_back(Table::Align::Right);
    if (index != 0) {
      headers.push_back("speed-up vs CPU");
      align.push_back(Table::Align::Right);
    }
  }
  Table table(headers, align);
  if (pair_names.size() < 2) return table;  // nothing to compare
  for (const auto& [key, by_pair] : medians) {
    const auto& [model, files, w, h] = key;
    std::vector<std::string> row = {fmt::format("{} {}", model, files), size_text({w, h})};
    const auto cpu = by_pair.find(0);
    for (const auto& [index, name] : pair_names) {
      const auto it = by_pair.find(index);
      row.push_back(it == by_pair.end() ? "-" : format_ms(it->second.median));
      if (index == 0) continue;
      // A run that fell back to the CPU has no GPU speed-up to report.
      if (it != by_pair.end() && it->second.fell_back) row.push_back("CPU FALLBACK");
      else if (it == by_pair.end() || cpu == by_pair.end() || it->second.median <= 0) row.push_back("-");
      else row.push_back(fmt::format("{:.2f}x", cpu->second.median / it->second.median));
    }
    table.add_row(std::move(row));
  }
  return table;
}

Table problem_table(const std::vector<RunRecord>& records) {
  // One row per problem: the same reason on several targets (a model file absent for all of them)
  // is listed once, with the targets joined.
  struct Row {
    std::string config, model, targets, status, reason;
  };
  std::vector<Row> rows;
  for (const auto& r : records) {
    if (r.status == Status::Ok) continue;
    const std::string model = r.file_list.empty() ? r.model : model_text(r);
    const std::string status = status_name(r.status);
    if (!rows.empty() && rows.back().config == r.config && rows.back().model == model &&
        rows.back().status == status && rows.back().reason == r.message) {
      rows.back().targets += ", " + r.backend_target.name;
      continue;
    }
    rows.push_back({r.config, model, r.backend_target.name, status, r.message});
  }
  Table table({"config", "model", "target", "status", "reason"});
  for (auto& row : rows) table.add_row({row.config, row.model, row.targets, row.status, row.reason});
  return table;
}

std::vector<std::string> record_notes(const std::vector<RunRecord>& records) {
  std::vector<std::string> notes;
  for (const auto& r : records) {
    if (r.note.empty() || r.status != Status::Ok) continue;
    const std::string line = fmt::format("{}: {}", model_text(r), r.note);
    if (std::find(notes.begin(), notes.end(), line) == notes.end()) notes.push_back(line);
  }
  return notes;
}

std::string status_counts(const std::vector<RunRecord>& records) {
  std::map<Status, int> counts;
  for (const auto& r : records) ++counts[r.status];
  return fmt::format("{} ok, {} failed, {} missing, {} unsupported", counts[Status::Ok], counts[Status::Failed],
                     counts[Status::Missing], counts[Status::Unsupported]);
}

}  // namespace zoobench
