#include <fmt/format.h>
#include <fmt/ostream.h>

#include "zoobench/report/columns.hpp"
#include "zoobench/report/report.hpp"

namespace zoobench {

namespace {

class ConsoleReporter final : public Reporter {
 public:
  ConsoleReporter(std::ostream& out, std::vector<BackendTarget> pairs, ConsoleOptions options)
      : m_out(out), m_pairs(std::move(pairs)), m_options(options) {}

  void begin(const Environment& env) override {
    fmt::print(m_out, "{}\n", environment_line(env));
    if (m_options.quiet) {  // no rows as they finish: their header would stand alone
      m_out.flush();
      return;
    }
    for (const auto& pair : m_pairs) {
      fmt::print(m_out, "backend=cv.dnn.DNN_BACKEND_{}\ntarget=cv.dnn.DNN_TARGET_{}\n", pair.backend_name,
                 pair.target_name);
    }
    fmt::print(m_out, "{:<10} {:<10} {:<10} {:<12} {}\n", "mean", "median", "min", "input size", "model");
    m_out.flush();
  }

  void record(const RunRecord& r) override {
    const std::string where = r.backend_target.name.empty() ? "" : fmt::format(" on {}", r.backend_target.name);
    const std::string trial = r.trials > 1 ? fmt::format(" (trial {}/{})", r.trial, r.trials) : "";
    if (r.status == Status::Ok) {
      m_last_problem.clear();
      if (m_options.quiet) return;
      const std::string placement = r.device.checked() && !r.device.verified() ? "  " + r.device.describe() : "";
      fmt::print(m_out, "{}{}{}{}\n", zoo_row(r), where, trial, placement);
    } else {
      // Absent models and data are summed up once at the end, and unsupported ones get their line in the
      // "Not measured" table there; failures get a line each as they happen.
      const bool summed_up_later = r.status == Status::Missing || r.status == Status::Unsupported;
      if (summed_up_later && !m_options.verbose) return;
      // The same reason for the next target (e.g. absent model files) is not repeated.
      const std::string key = r.config + '\n' + r.file_list + '\n' + status_name(r.status) + '\n' + r.message;
      if (key == m_last_problem) return;
      m_last_problem = key;
      const std::string what = r.model.empty()       ? r.config  // the config itself did not load
                               : r.file_list.empty() ? r.model
                                                     : fmt::format("{} with {}", r.model, r.file_list);
      const std::string target = r.status == Status::Failed ? where : "";
      fmt::print(m_out, "{:<10} {:<10} {:<10} {:<12} {}{}: {}\n", status_name(r.status), "-", "-", "-", what, target,
                 r.message);
    }
    m_out.flush();
  }

  void results(const ResultSet& set, bool complete) override {
    if (!complete) return;
    const Table rows = rows_table(set, true);
    const Table comparison = comparison_table(set);
    // With a GPU-vs-CPU table, that table is the output; the wide per-row table only on request
    // (--table wide, --verbose). The files keep every column either way.
    const bool rows_wanted = comparison.empty() || m_options.wide || m_options.verbose;
    if (!rows.empty() && rows_wanted) {
      fmt::print(m_out, "\nResults (median of trial medians in ms; 95% interval: bootstrap over trials and samples, "
                        "widened to a Student-t interval over the trial medians; stages: pre / infer / post):\n{}", rows.to_text());
    }
    const Table problems = problem_table(set, m_options.verbose);
    if (!problems.empty()) fmt::print(m_out, "\nNot measured:\n{}", problems.to_text());
    if (!m_options.verbose) {
      const std::vector<std::string> absent = absent_summary(set, m_options.models_dir, m_options.data_dir, m_options.data_paths);
      if (!absent.empty()) fmt::print(m_out, "{}", problems.empty() ? "\n" : "");
      for (const auto& line : absent) fmt::print(m_out, "{}\n", line);
    }
    for (const auto& note : row_notes(set)) fmt::print(m_out, "Note: {}\n", note);
    fmt::print(m_out, "\n{}\n", status_counts(set));
    if (!set.gpu_comparison.empty()) {
      fmt::print(m_out, "\nGPUs (--device; memory taken = free memory on that GPU dropped while the model was set up):"
                        "\n{}", gpu_table(set).to_text());
      const Table by_gpu = gpu_row_table(set);
      if (!by_gpu.empty()) fmt::print(m_out, "\nSame benchmark on each GPU (median of its trial medians in ms):\n{}", by_gpu.to_text());
    }
    // The answer to the question people run this for comes last, where the eye lands.
    if (!comparison.empty()) {
      fmt::print(m_out, "\nGPU vs CPU (median of trial medians in ms; speed-up = CPU median / this median with a "
                        "95% interval over the trials, paired where they were interleaved; only where the placement is "
                        "verified):\n{}",
                 comparison.to_text());
    }
    m_out.flush();
  }

 private:
  std::ostream& m_out;
  std::vector<BackendTarget> m_pairs;
  ConsoleOptions m_options;
  std::string m_last_problem;  // the last problem row printed, to skip its repeats on other targets
};

}  // namespace

std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, std::vector<BackendTarget> pairs,
                                                ConsoleOptions options) {
  return std::make_unique<ConsoleReporter>(out, std::move(pairs), options);
}

}  // namespace zoobench
