// JSON, CSV and Markdown files, each rewritten (atomically: write beside, then rename) from every
// snapshot, so a reader never sees a half-written file and nothing measured is lost; and the JSON
// file's journal, appended as each record is made.
#include <fmt/format.h>


#include "zoobench/error.hpp"
#include "zoobench/report/columns.hpp"
#include "zoobench/report/json_text.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/report/result_file.hpp"
#include "zoobench/report/results_json.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

class FileReporter : public Reporter {
 public:
  explicit FileReporter(fs::path file) : m_file(std::move(file)) {}

  // Fails before anything is measured when the file cannot be written at all (no folder, no rights).
  void begin(const Environment&) override { m_target = check_result_target(m_file); }
  void record(const RunRecord&) override {}
  void results(const ResultSet& set, bool complete) override {
    if (m_target == ResultTarget::RegularFile) return replace_file_atomically(m_file, render(set, complete));
    // A device or pipe cannot be replaced: it gets the complete results once.
    if (complete) write_in_place(m_file, render(set, complete));
  }

 protected:
  virtual std::string render(const ResultSet& set, bool complete) const = 0;

 private:
  fs::path m_file;
  ResultTarget m_target = ResultTarget::RegularFile;
};

// The JSON-Lines journal beside a JSON results file: one line per record the moment it is made.
class JournalReporter final : public Reporter {
 public:
  explicit JournalReporter(fs::path file) : m_file(std::move(file)) {}

  void begin(const Environment& environment) override {
    m_run_id = environment.run_id;
    try {
      m_journal = std::make_unique<Journal>(m_file);
      m_journal->append(journal_header_line(environment));
    } catch (const WriteError& e) {
      throw ConfigError(e.what());  // before anything is measured: like an unwritable results file
    }
  }
  void record(const RunRecord& record) override { m_journal->append(journal_record_line(m_run_id, record)); }
  void results(const ResultSet&, bool) override {}

 private:
  fs::path m_file;
  std::string m_run_id;
  std::unique_ptr<Journal> m_journal;
};

class JsonReporter final : public FileReporter {
 public:
  using FileReporter::FileReporter;

 private:
  std::string render(const ResultSet& set, bool complete) const override {
    return json_text(results_json(set, complete), 2) + "\n";
  }
};

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

// A cell's value as CSV text, before escaping: arrays (sizes, shapes, intervals) space-separated.
std::string csv_text(const nlohmann::json& v) {
  if (v.is_null()) return {};
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_float()) return fmt::format("{:.4f}", v.get<double>());
  if (v.is_array()) {
    std::string text;
    for (const auto& e : v) text += (text.empty() ? "" : " ") + csv_text(e);
    return text;
  }
  return json_text(v);
}

std::string csv_value(const nlohmann::json& v) { return csv_escape(csv_text(v)); }

class CsvReporter final : public FileReporter {
 public:
  using FileReporter::FileReporter;

 private:
  std::string render(const ResultSet& set, bool) const override {
    // The machine facts repeat on every row, so that each row stands on its own after a merge.
    const Environment& e = set.environment;
    const std::vector<std::pair<std::string, std::string>> machine = {
        {"host", e.host}, {"cpu", e.cpu}, {"opencv_version", e.opencv_version},
        {"opencv_threads", std::to_string(e.opencv_threads)}, {"gpus", gpus_text(e)},
        {"driver_version", e.driver_version}, {"nvidia_driver", e.nvidia_driver}, {"cuda_version", e.cuda_version},
        {"cuda_runtime", e.cuda_runtime}, {"cudnn_version", e.cudnn_version}, {"cudnn_loaded", e.cudnn_loaded},
        {"started_at", e.started_at}};
    std::string out;
    for (const auto& c : row_columns()) out += (out.empty() ? "" : ",") + c.id;
    for (const auto& m : machine) out += "," + m.first;
    out += "\n";
    for (const auto& row : set.rows) {
      std::string line;
      bool first = true;
      for (const auto& c : row_columns()) {
        line += (first ? "" : ",") + csv_value(c.cell(row).value);
        first = false;
      }
      for (const auto& m : machine) line += "," + csv_escape(m.second);
      out += line + "\n";
    }
    return out;
  }
};

class MarkdownReporter final : public FileReporter {
 public:
  using FileReporter::FileReporter;

 private:
  std::string render(const ResultSet& set, bool complete) const override {
    const Environment& e = set.environment;
    std::string out = fmt::format("# zoo-bench results\n\n{}\n\nHost {}, started {}{}.\n\nCommand: `{}`\n\n",
                                  environment_line(e), e.host, e.started_at, complete ? "" : " (run in progress)",
                                  e.command_line);
    const Table comparison = comparison_table(set);
    if (!comparison.empty()) out += "## GPU vs CPU (median ms)\n\n" + comparison.to_markdown() + "\n";
    const Table rows = rows_table(set, false);
    if (!rows.empty()) out += "## All rows\n\n" + rows.to_markdown() + "\n";
    if (!set.gpu_comparison.empty()) {
      out += "## GPUs\n\n" + gpu_table(set).to_markdown() + "\n";
      const Table by_gpu = gpu_row_table(set);
      if (!by_gpu.empty()) out += "## Same benchmark on each GPU (median ms)\n\n" + by_gpu.to_markdown() + "\n";
    }
    const Table problems = problem_table(set);
    if (!problems.empty()) out += "## Not measured\n\n" + problems.to_markdown() + "\n";
    for (const auto& note : row_notes(set)) out += "- " + note + "\n";
    out += "\n" + status_counts(set) + "\n";
    return out;
  }
};

}  // namespace

std::unique_ptr<Reporter> make_file_reporter(const std::string& format, const fs::path& file) {
  if (format == "json") return std::make_unique<JsonReporter>(file);
  if (format == "csv") return std::make_unique<CsvReporter>(file);
  if (format == "markdown") return std::make_unique<MarkdownReporter>(file);
  throw Error(fmt::format("unknown report format '{}': use json, csv or markdown", format));
}

std::unique_ptr<Reporter> make_journal_reporter(const fs::path& json_file) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(json_file, ec)) && !fs::is_regular_file(fs::symlink_status(json_file, ec))) {
    return nullptr;  // results written to a device or pipe keep no journal
  }
  return std::make_unique<JournalReporter>(journal_path_for(json_file));
}

}  // namespace zoobench
