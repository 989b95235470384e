// Views of a --device run's GPU comparison (computed in stats/gpu_compare.cpp); formatting only.
#include <fmt/format.h>

#include "zoobench/report/columns.hpp"
#include "zoobench/report/report.hpp"

namespace zoobench {

Table gpu_table(const ResultSet& set) {
  using A = Table::Align;
  Table table({"GPU", "name", "UUID", "CUDA records", "ok", "failed", "memory taken on it", "timed work (s)"},
              {A::Right, A::Left, A::Left, A::Right, A::Right, A::Right, A::Left, A::Right});
  for (const auto& g : set.gpu_comparison.gpus) {
    const int unknown = g.ok - g.memory_seen - g.memory_not_seen;
    std::string memory = fmt::format("{} of {} ok", g.memory_seen, g.ok);
    if (g.memory_not_seen > 0) memory += fmt::format(", NOT SEEN in {}", g.memory_not_seen);
    if (unknown > 0) memory += fmt::format(", unknown in {}", unknown);
    table.add_row({std::to_string(g.index), g.name.empty() ? "-" : g.name, g.uuid.empty() ? "-" : g.uuid,
                   std::to_string(g.records), std::to_string(g.ok), std::to_string(g.failed), memory,
                   fmt::format("{:.2f}", g.measured_ms / 1000.0)});
  }
  return table;
}

Table gpu_row_table(const ResultSet& set) {
  const auto& gpus = set.gpu_comparison.gpus;
  std::vector<std::string> headers = {"model", "target", "size"};
  for (const auto& g : gpus) headers.push_back(fmt::format("GPU {} median", g.index));
  std::vector<Table::Align> align(3, Table::Align::Left);
  align.resize(headers.size(), Table::Align::Right);
  Table table(headers, align);
  for (const auto& r : set.gpu_comparison.rows) {
    const BenchmarkRow& row = set.rows[r.row];
    std::vector<std::string> cells = {fmt::format("{} {}", row.model, row.file_list), row.backend_target.name,
                                      size_text(row.input_size)};
    for (const auto& g : gpus) {
      std::string cell = "-";
      for (const auto& [index, ms] : r.medians) {
        if (index == g.index) cell = format_ms(ms);
      }
      cells.push_back(cell);
    }
    table.add_row(std::move(cells));
  }
  return table;
}

}  // namespace zoobench
