#pragma once
// Reporters render RunRecords: a console reporter (the zoo's row layout as rows arrive, then the
// per-stage and GPU-vs-CPU tables) and file reporters (JSON, CSV, Markdown) that rewrite their file
// after every record so that nothing measured is lost if a later step fails.
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "zoobench/measure/record.hpp"
#include "zoobench/report/table.hpp"

namespace zoobench {

struct ReportContext {
  std::string zoo_bench_version;
  std::string opencv_version;
  std::string opencv_cuda;       // "built with CUDA" / "CPU only" (from the build information)
  std::string command_line;
  std::string started_at;        // ISO 8601, UTC
  std::string host;
  std::string cpu;
  std::vector<BackendTarget> backend_targets;  // empty = as each config says
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void begin(const ReportContext& context) = 0;
  virtual void report(const RunRecord& record) = 0;
  virtual void finish(const std::vector<RunRecord>& records) = 0;
};

// out: the table stream (stdout); the context goes to it too, as a header.
std::unique_ptr<Reporter> make_console_reporter(std::ostream& out);

// format: "json", "csv" or "markdown". Throws Error for another name.
std::unique_ptr<Reporter> make_file_reporter(const std::string& format, const std::filesystem::path& file);

// The zoo's row for an Ok record: "mean median min [w, h] Model with ['file']" with its spacing.
std::string zoo_row(const RunRecord& record);

// Summary tables shared by the console and Markdown reporters.
Table stage_table(const std::vector<RunRecord>& records);       // per-stage medians and spread
Table comparison_table(const std::vector<RunRecord>& records);  // each pair's median vs the CPU's, as a ratio
Table problem_table(const std::vector<RunRecord>& records);     // rows that did not run, with the reason

// "Model ['file']: note" once per model whose records carry a note (stages hidden by an OpenCV API).
std::vector<std::string> record_notes(const std::vector<RunRecord>& records);

// "5 ok, 1 FAILED, 13 missing, 0 unsupported"
std::string status_counts(const std::vector<RunRecord>& records);

// fixed two-decimal milliseconds
std::string format_ms(double ms);

}  // namespace zoobench
