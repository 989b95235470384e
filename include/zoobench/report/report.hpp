#pragma once
// Reporters format; they never measure or compute statistics. The console reporter prints the zoo's
// row layout as records arrive, then the result tables; file reporters (JSON, CSV, Markdown) rewrite
// their file from every snapshot, so that nothing measured is lost if a later step fails.
#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "zoobench/measure/record.hpp"
#include "zoobench/report/table.hpp"
#include "zoobench/stats/aggregate.hpp"

namespace zoobench {

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void begin(const Environment& environment) = 0;
  virtual void record(const RunRecord& record) = 0;               // as each record is made
  virtual void results(const ResultSet& set, bool complete) = 0;  // snapshots while running, then complete
};

// What the console leaves out. By default absent models and data collapse into summary lines with the
// command that fetches them; failures always get a line each.
struct ConsoleOptions {
  bool verbose = false;  // every absent model on its own line, as it is met and in "Not measured"
  bool quiet = false;    // no zoo-style line per benchmark as it finishes: the tables only
  bool wide = false;     // --table wide: the wide per-row table even when the GPU-vs-CPU table is shown
  // The folders in use: the fetch commands printed for absent models and data put them there.
  std::filesystem::path models_dir{}, data_dir{};
  // Each config's Benchmark.data.path ("data/face_detection"), so that the fetch command for absent
  // data names only the zips needed.
  std::map<std::string, std::string> data_paths{};
};

// out: the table stream (stdout). `pairs` are the selected backend/targets (empty: as configs say).
std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, std::vector<BackendTarget> pairs,
                                                ConsoleOptions options = {});

// format: "json", "csv" or "markdown". Throws Error for another name.
std::unique_ptr<Reporter> make_file_reporter(const std::string& format, const std::filesystem::path& file);

// The JSON-Lines journal that goes with results file `json_file` (journal_path_for()): null when that is
// a device or pipe. Its begin() needs environment.run_id.
std::unique_ptr<Reporter> make_journal_reporter(const std::filesystem::path& json_file);

// The zoo's row for an Ok record: "mean median min [w, h] Model with ['file']" with its spacing.
std::string zoo_row(const RunRecord& record);

// Views shared by the console and Markdown reporters.
Table comparison_table(const ResultSet& set);  // per benchmark: each pair's median side by side, speed-ups
Table problem_table(const ResultSet& set, bool include_missing = true);  // rows that did not run, with the reason
// The missing rows in a few lines: absent published models with the fetch_models.sh command, models the
// zoo does not publish, absent data with the fetch_data.sh command (naming the zips of the configs in
// `data_paths`, config file -> Benchmark.data.path). Empty when nothing is missing.
std::vector<std::string> absent_summary(const ResultSet& set, const std::filesystem::path& models_dir = {},
                                        const std::filesystem::path& data_dir = {},
                                        const std::map<std::string, std::string>& data_paths = {});
// The zoo's data name (scripts/fetch_data.sh NAME) of a Benchmark.data.path: its first folder under the
// data root without a date suffix ("data/palm_detection_20230125" -> "palm_detection"); empty if none.
std::string zoo_data_name(const std::string& data_path);
std::vector<std::string> row_notes(const ResultSet& set);  // stage notes, run notes, answer/stability warnings
std::string status_counts(const ResultSet& set);           // "5 ok, 1 FAILED, 13 missing, 0 unsupported"
std::string environment_line(const Environment& env);      // one line for headers
// --device runs (src/report/gpu_views.cpp): each GPU's tally, and the benchmarks measured on several GPUs.
Table gpu_table(const ResultSet& set);
Table gpu_row_table(const ResultSet& set);

}  // namespace zoobench
