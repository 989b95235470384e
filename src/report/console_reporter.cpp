#include <fmt/format.h>
#include <fmt/ostream.h>

#include "zoobench/report/report.hpp"

namespace zoobench {

namespace {

class ConsoleReporter final : public Reporter {
 public:
  explicit ConsoleReporter(std::ostream& out) : m_out(out) {}

  void begin(const ReportContext& context) override {
    m_multi_pair = context.backend_targets.size() > 1;
    fmt::print(m_out, "zoo-bench {} | OpenCV {} ({}) | {}\n", context.zoo_bench_version, context.opencv_version,
               context.opencv_cuda, context.cpu);
    for (const auto& pair : context.backend_targets) {
      fmt::print(m_out, "backend=cv.dnn.DNN_BACKEND_{}\ntarget=cv.dnn.DNN_TARGET_{}\n", pair.backend_name,
                 pair.target_name);
    }
    fmt::print(m_out, "{:<10} {:<10} {:<10} {:<12} {}\n", "mean", "median", "min", "input size", "model");
    m_out.flush();
  }

  void report(const RunRecord& r) override {
    const std::string where = m_multi_pair ? fmt::format(" on {}", r.backend_target.name) : "";
    if (r.status == Status::Ok) {
      m_last_problem.clear();
      const std::string fallback = r.device.fell_back() ? "  " + r.device.describe() : "";
      fmt::print(m_out, "{}{}{}\n", zoo_row(r), where, fallback);
    } else {
      // The same reason for the next target (e.g. absent model files) is not repeated.
      const std::string key = r.config + '\n' + r.file_list + '\n' + status_name(r.status) + '\n' + r.message;
      if (key == m_last_problem) return;
      m_last_problem = key;
      const std::string what = r.file_list.empty() ? r.model : fmt::format("{} with {}", r.model, r.file_list);
      // Absent files and import failures do not depend on the target; runtime failures may.
      const std::string target = r.status == Status::Failed ? where : "";
      fmt::print(m_out, "{:<10} {:<10} {:<10} {:<12} {}{}: {}\n", status_name(r.status), "-", "-", "-", what, target,
                 r.message);
    }
    m_out.flush();
  }

  void finish(const std::vector<RunRecord>& records) override {
    const Table stages = stage_table(records);
    if (!stages.empty()) {
      fmt::print(m_out, "\nPer-stage medians in ms (total: median of whole pipeline calls; cv = stddev/mean):\n{}",
                 stages.to_text());
    }
    for (const auto& note : record_notes(records)) fmt::print(m_out, "Note: {}\n", note);
    const Table comparison = comparison_table(records);
    if (!comparison.empty()) {
      fmt::print(m_out, "\nGPU vs CPU (median total ms; speed-up = CPU median / this median):\n{}",
                 comparison.to_text());
    }
    const Table problems = problem_table(records);
    if (!problems.empty()) fmt::print(m_out, "\nNot measured:\n{}", problems.to_text());
    fmt::print(m_out, "\n{}\n", status_counts(records));
    m_out.flush();
  }

 private:
  std::ostream& m_out;
  bool m_multi_pair = false;
  std::string m_last_problem;  // the last problem row printed, to skip its repeats on other targets
};

}  // namespace

std::unique_ptr<Reporter> make_console_reporter(std::ostream& out) { return std::make_unique<ConsoleReporter>(out); }

}  // namespace zoobench
