#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "zoobench/error.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

constexpr int kJsonSchemaVersion = 1;

nlohmann::json summary_json(const std::vector<double>& samples) {
  const stats::Summary s = stats::summarize(samples);
  nlohmann::json j = {{"n", s.n},           {"min", s.min},       {"max", s.max},       {"mean", s.mean},
                      {"zoo_mean", s.zoo_mean}, {"median", s.median}, {"stddev", s.stddev}, {"cv", s.cv}};
  j["p90"] = s.p90 ? nlohmann::json(*s.p90) : nlohmann::json(nullptr);
  j["p99"] = s.p99 ? nlohmann::json(*s.p99) : nlohmann::json(nullptr);
  j["median_ci95"] = s.median_ci95 ? nlohmann::json::array({s.median_ci95->low, s.median_ci95->high})
                                   : nlohmann::json(nullptr);
  return j;
}

nlohmann::json record_json(const RunRecord& r) {
  return {
      {"config", r.config},
      {"model", r.model},
      {"precision", r.precision},
      {"files", r.files},
      {"backend_target", {{"index", r.backend_target.index}, {"backend", r.backend_target.backend_name},
                          {"target", r.backend_target.target_name}}},
      {"input_size", {r.input_size.width, r.input_size.height}},
      {"warmup", r.warmup},
      {"repeat", r.repeat},
      {"status", status_name(r.status)},
      {"message", r.message},
      {"load_ms", r.load_ms},
      {"first_call_ms", r.first_call_ms},
      {"init_ms", r.init_ms},
      {"result", r.result},
      {"note", r.note},
      {"device",
       {{"checked", r.device.checked()},
        {"layers", r.device.layers},
        {"cpu_fallback", r.device.fell_back()},
        {"whole_net_on_cpu", r.device.whole_net_on_cpu},
        {"cpu_layers", r.device.cpu_layers},
        {"log", r.device.log_lines}}},
      {"stats",
       {{"total", summary_json(r.samples.total)},
        {"preprocess", summary_json(r.samples.preprocess)},
        {"infer", summary_json(r.samples.infer)},
        {"postprocess", summary_json(r.samples.postprocess)}}},
      {"samples_ms",
       {{"total", r.samples.total},
        {"preprocess", r.samples.preprocess},
        {"infer", r.samples.infer},
        {"postprocess", r.samples.postprocess}}},
  };
}

// Base for reporters that keep every record and rewrite their file after each one.
class FileReporter : public Reporter {
 public:
  explicit FileReporter(fs::path file) : m_file(std::move(file)) {}

  void begin(const ReportContext& context) override {
    m_context = context;
    write();
  }
  void report(const RunRecord& record) override {
    m_records.push_back(record);
    write();
  }
  void finish(const std::vector<RunRecord>& /*records*/) override { write(); }

 protected:
  virtual std::string render() const = 0;
  const ReportContext& context() const { return m_context; }
  const std::vector<RunRecord>& records() const { return m_records; }

 private:
  void write() const {
    // Write beside the target and rename, so a reader never sees a half-written file.
    const fs::path tmp = fs::path(m_file).concat(".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw Error(fmt::format("{}: cannot write results file (check the folder exists and is writable)", m_file.string()));
      out << render();
    }
    std::error_code ec;
    fs::rename(tmp, m_file, ec);
    if (ec) throw Error(fmt::format("{}: cannot write results file: {}", m_file.string(), ec.message()));
  }

  fs::path m_file;
  ReportContext m_context;
  std::vector<RunRecord> m_records;
};

class JsonReporter final : public FileReporter {
 public:
  using FileReporter::FileReporter;

 private:
  std::string render() const override {
    const ReportContext& c = context();
    nlohmann::json j;
    j["schema_version"] = kJsonSchemaVersion;
    j["context"] = {{"zoo_bench_version", c.zoo_bench_version}, {"opencv_version", c.opencv_version},
                    {"opencv_cuda", c.opencv_cuda},             {"command_line", c.command_line},
                    {"started_at", c.started_at},               {"host", c.host},
                    {"cpu", c.cpu}};
    j["records"] = nlohmann::json::array();
    for (const auto& r : records()) j["records"].push_back(record_json(r));
    return j.dump(2) + "\n";
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

class CsvReporter final : public FileReporter {
 public:
  using FileReporter::FileReporter;

 private:
  std::string render() const override {
    std::string out =
        "config,model,precision,files,backend_target,target,width,height,n,zoo_mean_ms,median_ms,min_ms,max_ms,"
        "mean_ms,stddev_ms,p90_ms,p99_ms,preprocess_median_ms,infer_median_ms,postprocess_median_ms,"
        "first_call_ms,load_ms,cpu_fallback,status,message\n";
    for (const auto& r : records()) {
      const stats::Summary s = stats::summarize(r.samples.total);
      auto opt = [](const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : std::string(); };
      out += fmt::format("{},{},{},{},{},{},{},{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{},{},{}\n",
                         csv_escape(r.config), csv_escape(r.model), r.precision, csv_escape(r.file_list),
                         r.backend_target.index, r.backend_target.name, r.input_size.width, r.input_size.height, s.n,
                         s.zoo_mean, s.median, s.min, s.max, s.mean, s.stddev, opt(s.p90), opt(s.p99),
                         stats::median(r.samples.preprocess), stats::median(r.samples.infer),
                         stats::median(r.samples.postprocess), r.first_call_ms, r.load_ms,
                         r.device.checked() ? (r.device.fell_back() ? "yes" : "no") : "", status_name(r.status),
                         csv_escape(r.message));
    }
    return out;
  }
};

class MarkdownReporter final : public FileReporter {
 public:
  using FileReporter::FileReporter;

 private:
  std::string render() const override {
    const ReportContext& c = context();
    std::string out = fmt::format("# zoo-bench results\n\nzoo-bench {}, OpenCV {} ({}), {}, host {}, started {}.\n\n"
                                  "Command: `{}`\n\n",
                                  c.zoo_bench_version, c.opencv_version, c.opencv_cuda, c.cpu, c.host, c.started_at,
                                  c.command_line);
    const Table stages = stage_table(records());
    if (!stages.empty()) out += "## Per-stage medians (ms)\n\n" + stages.to_markdown() + "\n";
    for (const auto& note : record_notes(records())) out += "Note: " + note + "\n\n";
    const Table comparison = comparison_table(records());
    if (!comparison.empty()) out += "## GPU vs CPU (median total ms)\n\n" + comparison.to_markdown() + "\n";
    const Table problems = problem_table(records());
    if (!problems.empty()) out += "## Not measured\n\n" + problems.to_markdown() + "\n";
    out += status_counts(records()) + "\n";
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

}  // namespace zoobench
