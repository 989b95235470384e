#include "zoobench/report/cross_report.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "zoobench/report/columns.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/report/table.hpp"

namespace zoobench {

namespace {

std::string machine_of(const Environment& env) {
  if (env.gpus.empty()) return env.cpu.empty() ? env.host : env.cpu;
  std::string name = env.gpus.front().name;
  const std::string vendor = "NVIDIA ";
  if (name.rfind(vendor, 0) == 0) name = name.substr(vendor.size());
  return name;
}

std::string size_or_dash(const cv::Size& size) { return size.empty() ? "-" : size_text(size); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number_or_empty(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : ""; }

}  // namespace

std::vector<std::string> run_labels(const std::vector<Environment>& environments,
                                    const std::vector<std::string>& files) {
  std::vector<std::string> labels;
  std::map<std::string, int> uses;
  for (const auto& env : environments) ++uses[machine_of(env)];
  for (std::size_t i = 0; i < environments.size(); ++i) {
    const std::string machine = machine_of(environments[i]);
    labels.push_back(uses[machine] > 1 ? fmt::format("{} ({})", machine, std::filesystem::path(files[i]).stem().string())
                                       : machine);
  }
  return labels;
}

CrossTable cross_table(const std::vector<LabelledRun>& runs) {
  CrossTable table;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::map<int, BackendTarget> pairs;
    for (const auto& r : runs[i].set.rows) {
      if (r.ok() && !r.from_baseline_file) pairs.emplace(r.backend_target.index, r.backend_target);
    }
    for (const auto& [index, pair] : pairs) table.columns.push_back({i, pair});
  }
  using Key = std::tuple<std::string, std::string, std::string, int, int>;
  std::map<Key, std::size_t> row_of;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const CrossColumn& column = table.columns[c];
    for (const auto& r : runs[column.run].set.rows) {
      if (!r.ok() || r.from_baseline_file || r.backend_target.index != column.pair.index) continue;
      const Key key{r.model, r.file_list, r.precision, r.input_size.width, r.input_size.height};
      auto it = row_of.find(key);
      if (it == row_of.end()) {
        it = row_of.emplace(key, table.rows.size()).first;
        table.rows.push_back({r.model, r.file_list, r.precision, r.input_size,
                              std::vector<const BenchmarkRow*>(table.columns.size(), nullptr)});
      }
      table.rows[it->second].cells[c] = &r;
    }
  }
  // All columns exist before the first row is made, so every row has one cell per column.
  return table;
}

std::string column_header(const CrossColumn& column, const std::vector<LabelledRun>& runs) {
  return fmt::format("{} {}", runs[column.run].label, column.pair.name);
}

std::string cross_cell_text(const BenchmarkRow& row) {
  std::string text = format_ms(row.median);
  if (row.speedup) text += fmt::format(" ({:.2f}x)", row.speedup->ratio);
  if (row.placement.fell_back()) text += " FALLBACK";
  else if (row.placement.checked() && !row.placement.verified()) text += " UNVERIFIED";
  if (row.answer_differs()) text += " ANSWER DIFFERS";
  if (row.unstable) text += " UNSTABLE";
  return text;
}

std::string cross_markdown(const CrossTable& table, const std::vector<LabelledRun>& runs) {
  std::string out = "# zoo-bench cross-hardware report\n\n";
  for (const auto& run : runs) {
    out += fmt::format("- **{}**: `{}`: {}\n", run.label, run.file, environment_line(run.set.environment));
  }
  out += "\nMedian ms per benchmark (median of trial medians); in brackets the speed-up against the same run's "
         "CPU row, shown only where the GPU placement was verified. FALLBACK: layers ran on the CPU; UNVERIFIED: "
         "placement not proven; ANSWER DIFFERS: the GPU's answer differs from the CPU's beyond the family's "
         "tolerance; UNSTABLE: the trials disagree.\n\n";
  std::vector<std::string> headers = {"model", "size"};
  std::vector<Table::Align> align = {Table::Align::Left, Table::Align::Left};
  for (const auto& c : table.columns) {
    headers.push_back(column_header(c, runs));
    align.push_back(Table::Align::Right);
  }
  Table md(headers, align);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells = {fmt::format("{} {}", row.model, row.file_list), size_or_dash(row.input_size)};
    for (const auto* cell : row.cells) cells.push_back(cell == nullptr ? "-" : cross_cell_text(*cell));
    md.add_row(std::move(cells));
  }
  out += md.to_markdown();
  return out;
}

std::string cross_csv(const CrossTable& table, const std::vector<LabelledRun>& runs) {
  std::string out =
      "model,files,precision,input_size,machine,results_file,backend_target,target,median_ms,speedup,"
      "speedup_ci95_low,speedup_ci95_high,placement,answer_differs,unstable\n";
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const BenchmarkRow* r = row.cells[c];
      if (r == nullptr) continue;
      const LabelledRun& run = runs[table.columns[c].run];
      std::optional<double> speedup, low, high;
      if (r->speedup) {
        speedup = r->speedup->ratio;
        if (r->speedup->ci95) {
          low = r->speedup->ci95->low;
          high = r->speedup->ci95->high;
        }
      }
      const std::vector<std::string> fields = {
          row.model, row.file_list, row.precision, size_or_dash(row.input_size), run.label, run.file,
          std::to_string(r->backend_target.index), r->backend_target.name, fmt::format("{:.6g}", r->median),
          number_or_empty(speedup), number_or_empty(low), number_or_empty(high),
          placement_name(r->placement.state), r->answer_differs() ? "true" : "false", r->unstable ? "true" : "false"};
      for (std::size_t f = 0; f < fields.size(); ++f) out += (f == 0 ? "" : ",") + csv_field(fields[f]);
      out += "\n";
    }
  }
  return out;
}

}  // namespace zoobench
