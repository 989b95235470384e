#pragma once
// The application behind the command line: plan the configs, run them, report, choose the exit code.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "zoobench/cli/options.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/stats/aggregate.hpp"

namespace zoobench {

// The config files the options select, in run order (--cfg as given, else the configs folder less
// --cfg-exclude). Throws ConfigError when none is selected.
std::vector<std::filesystem::path> select_configs(const BenchOptions& options);

// The plan options the command line asks for.
PlanOptions make_plan_options(const BenchOptions& options);

// Runs the benchmarks; tables to `out`, warnings to `err`. Returns an ExitCode.
int run_benchmarks(const BenchOptions& options, const std::string& command_line, std::ostream& out,
                   std::ostream& err);

// --list: every config, its family, the model files expected and found, and whether each is present.
int list_configs(const BenchOptions& options, std::ostream& out, std::ostream& err);

// kExitOk when all rows are Ok; kExitFailed when any failed; kExitIncomplete when the rest are only
// missing or unsupported (unless missing_is_ok: --require-cuda treats those as warnings).
int exit_code_for(const ResultSet& set, bool missing_is_ok);

// --require-cuda: fail closed. One line per CUDA row that failed, fell back or is unverified, or one
// line when no CUDA row ran at all; empty only when at least one CUDA row ran and all are verified.
std::vector<std::string> cuda_requirement_failures(const ResultSet& set);

// --require-same-answers, fail-closed: one line per measured GPU row whose answer differs from the
// CPU's beyond tolerance or was not compared, or one line when no GPU answer was compared at all.
std::vector<std::string> answer_differences(const ResultSet& set);

// `zoo-bench report FILE`: re-aggregates a results file's records (samples, answers, placement as
// measured) and prints / writes the tables. Returns the exit code the run would have had.
int run_report_command(const ReportOptions& options, std::ostream& out);

// `zoo-bench report A.json B.json ...`: the cross-hardware table (rows benchmarks, columns run x
// backend/target) to `out` as Markdown, --markdown/--csv/--svg files. Returns kExitOk.
int run_cross_report(const ReportOptions& options, std::ostream& out);

// report FILE --svg: the chart of one run's rows.
void write_results_chart(const ResultSet& set, const std::string& results_file, const std::string& svg_file);

// `zoo-bench compare BASE NEW`: the comparison to `out`, --markdown/--json files. Returns kExitRegressed
// when a row regressed significantly beyond the threshold, else kExitOk.
// Output files that cannot be written are reported on `err`; a significant regression still exits 6 then
// (it is what CI gates on), otherwise such a failure exits 2 (a path that cannot be a file) or 7 (a write).
int run_compare_command(const CompareOptions& options, std::ostream& out, std::ostream& err);

// `zoo-bench doctor`; writes the JSON report to json_file when given. Returns kExitOk or kExitNoCuda.
// device_option: `--device N|all` (one verdict per GPU); "" probes OpenCV's default device. A malformed
// value or an index that does not exist throws ConfigError.
int run_doctor_command(const std::string& json_file, std::ostream& out, const std::string& device_option = "");

}  // namespace zoobench
