// Commands over stored results files: `compare BASE NEW` and the several-file form of `report`.
#include <fmt/format.h>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/cli/app.hpp"
#include "zoobench/error.hpp"
#include "zoobench/report/compare_report.hpp"
#include "zoobench/report/cross_report.hpp"
#include "zoobench/report/json_text.hpp"
#include "zoobench/report/result_file.hpp"
#include "zoobench/report/results_json.hpp"
#include "zoobench/stats/compare.hpp"

namespace zoobench {

namespace {

// A results file re-aggregated with this zoo-bench's statistics, as `report FILE` does.
ResultSet load_results(const std::string& file) {
  StoredResults stored;
  try {
    stored = read_results_file(file);
  } catch (const Error& e) {
    throw ConfigError(e.what());  // bad input on the command line: a usage error
  }
  ResultSet set = aggregate(stored.environment, std::move(stored.records), {}, "", tolerance_for_model);
  if (!stored.complete) set.notes.push_back(fmt::format("{}: a run cut short: only what it measured", file));
  return set;
}

// "5", "5%" or "0.5": percent. A bare value below 1 is most likely a fraction meant as a percentage.
double parse_threshold_percent(const std::string& text, std::ostream& err) {
  const bool percent_sign = !text.empty() && text.back() == '%';
  const std::string number = percent_sign ? text.substr(0, text.size() - 1) : text;
  double value = -1;
  std::size_t used = 0;
  try {
    value = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (number.empty() || used != number.size() || !(value >= 0 && value < 1000)) {
    throw ConfigError(fmt::format("--threshold {}: give a percentage from 0 to 1000, e.g. --threshold 5 or 5%", text));
  }
  if (!percent_sign && value > 0 && value < 1) {
    err << fmt::format("zoo-bench: warning: --threshold {} means {:g}%; did you mean {:g}?\n", text, value,
                       value * 100);
  }
  return value;
}

}  // namespace

int run_cross_report(const ReportOptions& options, std::ostream& out) {
  if (!options.json_file.empty()) {
    throw ConfigError("report --json takes one results file (it rewrites that run); for several files use --markdown, "
                      "--csv or --svg");
  }
  std::vector<LabelledRun> runs;
  std::vector<Environment> environments;
  for (const auto& file : options.results_files) {
    runs.push_back({"", file, load_results(file)});
    environments.push_back(runs.back().set.environment);
  }
  const std::vector<std::string> labels = run_labels(environments, options.results_files);
  for (std::size_t i = 0; i < runs.size(); ++i) runs[i].label = labels[i];

  const CrossTable table = cross_table(runs);
  const std::string markdown = cross_markdown(table, runs);
  out << markdown;
  for (const auto& run : runs) {
    for (const auto& note : run.set.notes) out << "\n- " << run.label << ": " << note;
  }
  out << "\n";
  if (!options.markdown_file.empty()) write_output_file(options.markdown_file, markdown);
  if (!options.csv_file.empty()) write_output_file(options.csv_file, cross_csv(table, runs));
  if (!options.svg_file.empty()) write_output_file(options.svg_file, svg_chart(table, runs));
  return kExitOk;
}

void write_results_chart(const ResultSet& set, const std::string& results_file, const std::string& svg_file) {
  std::vector<LabelledRun> runs = {{"", results_file, set}};
  runs.front().label = run_labels({set.environment}, {results_file}).front();
  write_output_file(svg_file, svg_chart(cross_table(runs), runs));
}

int run_compare_command(const CompareOptions& options, std::ostream& out, std::ostream& err) {
  const double threshold_percent =
      options.threshold_text.empty() ? options.threshold_percent : parse_threshold_percent(options.threshold_text, err);
  const ResultSet base = load_results(options.base_file);
  const ResultSet next = load_results(options.new_file);
  const RunComparison comparison =
      compare_runs(base, next, threshold_percent / 100.0, tolerance_for_model,
                   options.test == "mwu" ? CompareTest::MannWhitney : CompareTest::Bootstrap);
  out << compare_text(comparison, options.base_file, options.new_file);
  out.flush();
  // A file that cannot be written is reported, but a regression still decides the exit code (CI gates on
  // it); otherwise the failure's own code: 2 for a path that cannot be a file (ConfigError), 7 for a write.
  int write_code = kExitOk;
  const auto write = [&](const std::string& file, const std::string& text) {
    if (file.empty()) return;
    try {
      write_output_file(file, text);
    } catch (const ConfigError& e) {
      err << "zoo-bench: error: " << e.what() << "\n";
      if (write_code == kExitOk) write_code = kExitUsage;
    } catch (const WriteError& e) {
      err << "zoo-bench: error: " << e.what() << "\n";
      if (write_code == kExitOk) write_code = kExitNotSaved;
    }
  };
  write(options.markdown_file, compare_markdown(comparison, options.base_file, options.new_file));
  write(options.json_file, json_text(compare_json(comparison, options.base_file, options.new_file), 2) + "\n");
  return comparison.regressed() ? kExitRegressed : write_code;
}

}  // namespace zoobench
