#include "zoobench/report/results_json.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <type_traits>

#include "zoobench/error.hpp"
#include "zoobench/report/columns.hpp"
#include "zoobench/report/json_text.hpp"

namespace zoobench {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// nlohmann's get<int>() casts a stored float straight to int, which is undefined behaviour for 1e22 (found
// by fuzz_results): counts and indexes are read only from whole numbers, and only within their type's range.
template <typename Int>
Int whole(const json& value, const std::string& what) {
  static_assert(std::is_integral_v<Int>);
  bool fits = false;
  if (value.is_number_unsigned()) {
    fits = value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<Int>::max());
  } else if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    fits = std::is_signed_v<Int> ? v >= static_cast<std::int64_t>(std::numeric_limits<Int>::min()) &&
                                       v <= static_cast<std::int64_t>(std::numeric_limits<Int>::max())
                                 : v >= 0;
  }
  if (!fits) {
    const std::string found = value.is_number() ? value.dump() : std::string("a JSON ") + value.type_name();
    throw Error(fmt::format("key '{}': {} where a whole number in [{}, {}] belongs; the file was edited or corrupted",
                            what, found, std::numeric_limits<Int>::min(), std::numeric_limits<Int>::max()));
  }
  return value.get<Int>();
}

int int_at(const json& parent, const char* key) { return whole<int>(parent.at(key), key); }

const json& list_of(const char* key, const json& value) {
  if (!value.is_array()) {
    throw Error(fmt::format("key '{}': a JSON {} where a list belongs; the file was edited or corrupted", key,
                            value.type_name()));
  }
  return value;
}

// JSON has no NaN or infinity: nlohmann writes them as null. An answer or a timing that was not a number
// (an FP16 net can output NaN) reads back as NaN, so a file zoo-bench wrote is never refused for it.
double number(const json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

float number_f(const json& value) { return static_cast<float>(number(value)); }

std::vector<float> numbers_f(const char* key, const json& values) {
  std::vector<float> out;
  for (const auto& v : list_of(key, values)) out.push_back(number_f(v));
  return out;
}

std::vector<std::vector<int>> int_rows(const json& parent, const char* key) {
  std::vector<std::vector<int>> out;
  for (const auto& row : list_of(key, parent.at(key))) {
    out.emplace_back();
    for (const auto& v : list_of(key, row)) out.back().push_back(whole<int>(v, key));
  }
  return out;
}

// "9.0" -> {9, 0}; anything else (junk, a sign, digits out of range) is refused, not half-read.
std::pair<int, int> compute_capability_from(const std::string& text) {
  const auto refuse = [&] {
    return Error(fmt::format("key 'compute_capability': '{}' is not MAJOR.MINOR (e.g. \"9.0\"); the file was "
                             "edited or corrupted", text));
  };
  const auto dot = text.find('.');
  if (dot == std::string::npos) throw refuse();
  const auto digits = [&](std::size_t from, std::size_t to) {
    int v = -1;
    const char* first = text.data() + from;
    const char* last = text.data() + to;
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last || first == last || v < 0) throw refuse();
    return v;
  };
  return {digits(0, dot), digits(dot + 1, text.size())};
}

json environment_json(const Environment& e) {
  json gpus = json::array();
  for (const auto& g : e.gpus) {
    gpus.push_back({{"index", g.index}, {"name", g.name}, {"compute_capability", g.compute_capability.text()},
                    {"total_memory", g.total_memory}, {"opencv_compatible", g.opencv_compatible},
                    {"uuid", g.uuid}, {"pci_bus_id", g.pci_bus_id}});
  }
  return {{"zoo_bench_version", e.zoo_bench_version}, {"opencv_version", e.opencv_version},
          {"opencv_cuda", e.opencv_cuda},             {"cuda_version", e.cuda_version},
          {"cudnn_version", e.cudnn_version},         {"cuda_features", e.cuda_features},
          {"driver_version", e.driver_version},       {"opencv_threads", e.opencv_threads}, {"heap", e.heap},
          {"nvidia_driver", e.nvidia_driver},         {"cuda_runtime", e.cuda_runtime},
          {"cudnn_loaded", e.cudnn_loaded},
          {"command_line", e.command_line},           {"started_at", e.started_at},
          {"run_id", e.run_id},
          {"host", e.host},                           {"cpu", e.cpu},
          {"gpus", gpus}};
}

json device_json(const DeviceEvidence& d) {
  return {{"state", placement_name(d.state)}, {"layers", d.layers},           {"gpu_layers", d.gpu_layers},
          {"cpu_layers", d.cpu_layers},       {"whole_net_on_cpu", d.whole_net_on_cpu},
          {"fp16_demoted", d.fp16_demoted},   {"reason", d.reason},           {"log", d.log_lines}};
}

// A difference that was measured but is not finite (an output holding NaN, the usual FP16 failure) is
// stored as "inf" or "nan": null would read back as "not measured".
json optional_json(const std::optional<double>& v) {
  if (!v) return nullptr;
  if (std::isnan(*v)) return "nan";
  if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
  return *v;
}

std::optional<double> optional_from(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  const json& v = j.at(key);
  if (v.is_string()) {
    if (v == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (v == "inf") return std::numeric_limits<double>::infinity();
    if (v == "-inf") return -std::numeric_limits<double>::infinity();
    throw Error(fmt::format("key '{}': a string other than \"inf\", \"-inf\" or \"nan\"; the file was edited or "
                            "corrupted", key));
  }
  return v.get<double>();
}

json checks_json(const RunRecord::CrossChecks& c) {
  return {{"max_abs_diff_vs_cpu", optional_json(c.max_abs_diff_vs_cpu)},
          {"fp16_max_abs_diff", optional_json(c.fp16_max_abs_diff)},
          {"fp16_reference", c.fp16_reference},
          {"fp16_reference_scale", c.fp16_reference_scale}};
}

json gpu_use_json(const std::optional<RunRecord::GpuUse>& g) {
  if (!g) return nullptr;
  return {{"index", g->index}, {"name", g->name}, {"uuid", g->uuid},
          {"memory_taken", g->memory_taken < 0 ? json(nullptr) : json(g->memory_taken)}};
}

std::optional<RunRecord::GpuUse> gpu_use_from(const json& j) {
  if (!j.contains("gpu") || j.at("gpu").is_null()) return std::nullopt;
  const json& g = j.at("gpu");
  RunRecord::GpuUse use;
  use.index = int_at(g, "index");
  use.name = g.value("name", "");
  use.uuid = g.value("uuid", "");
  const bool memory_seen = g.contains("memory_taken") && !g.at("memory_taken").is_null();
  use.memory_taken = memory_seen ? whole<long long>(g.at("memory_taken"), "memory_taken") : -1;
  return use;
}

json record_json(const RunRecord& r) {
  json answers = json::array();
  for (const auto& a : r.answers) answers.push_back(answer_json(a));
  return {{"config", r.config},
          {"model", r.model},
          {"precision", r.precision},
          {"file_list", r.file_list},
          {"files", r.files},
          {"backend_target", {{"index", r.backend_target.index}, {"backend", r.backend_target.backend_name},
                              {"target", r.backend_target.target_name}}},
          {"trial", r.trial},
          {"trials", r.trials},
          {"input_size", {r.input_size.width, r.input_size.height}},
          {"net_input_shapes", r.net_input_shapes},
          {"warmup", r.warmup},
          {"repeat", r.repeat},
          {"status", status_name(r.status)},
          {"message", r.message},
          {"load_ms", r.load_ms},
          {"first_call_ms", r.first_call_ms},
          {"init_ms", r.init_ms},
          {"result", r.result},
          {"note", r.note},
          {"device", device_json(r.device)},
          {"gpu", gpu_use_json(r.gpu)},
          {"opencv_messages", r.opencv_messages},
          {"checks", checks_json(r.checks)},
          {"answers", answers},
          {"samples_ms", {{"total", r.samples.total}, {"preprocess", r.samples.preprocess},
                          {"infer", r.samples.infer}, {"postprocess", r.samples.postprocess}}}};
}

Status status_from(const std::string& name) {
  for (Status s : {Status::Ok, Status::Failed, Status::Missing, Status::Unsupported}) {
    if (name == status_name(s)) return s;
  }
  throw Error(fmt::format("unknown status '{}'", name));
}

Placement placement_from(const std::string& name) {
  for (Placement p : {Placement::NotChecked, Placement::OnGpu, Placement::Fallback, Placement::Unverified}) {
    if (name == placement_name(p)) return p;
  }
  throw Error(fmt::format("unknown placement state '{}'", name));
}

RunRecord record_from_json(const json& j) {
  RunRecord r;
  r.config = j.at("config").get<std::string>();
  r.model = j.at("model").get<std::string>();
  r.precision = j.at("precision").get<std::string>();
  r.file_list = j.at("file_list").get<std::string>();
  r.files = j.at("files").get<std::vector<std::string>>();
  r.backend_target = backend_target_at(int_at(j.at("backend_target"), "index"));
  r.trial = int_at(j, "trial");
  r.trials = int_at(j, "trials");
  const json& size = list_of("input_size", j.at("input_size"));
  if (size.size() != 2) throw Error("key 'input_size': not [width, height]; the file was edited or corrupted");
  r.input_size = {whole<int>(size.at(0), "input_size"), whole<int>(size.at(1), "input_size")};
  r.net_input_shapes = int_rows(j, "net_input_shapes");
  r.warmup = int_at(j, "warmup");
  r.repeat = int_at(j, "repeat");
  r.status = status_from(j.at("status").get<std::string>());
  r.message = j.at("message").get<std::string>();
  r.load_ms = number(j.at("load_ms"));
  r.first_call_ms = number(j.at("first_call_ms"));
  r.init_ms = j.at("init_ms").get<std::vector<double>>();
  r.result = j.at("result").get<std::string>();
  const json& d = j.at("device");
  r.device.state = placement_from(d.at("state").get<std::string>());
  r.device.layers = int_at(d, "layers");
  r.device.gpu_layers = int_at(d, "gpu_layers");
  r.device.cpu_layers = d.at("cpu_layers").get<std::vector<std::string>>();
  r.device.whole_net_on_cpu = d.at("whole_net_on_cpu").get<bool>();
  r.device.fp16_demoted = d.at("fp16_demoted").get<bool>();
  r.device.reason = d.at("reason").get<std::string>();
  for (const auto& a : list_of("answers", j.at("answers"))) r.answers.push_back(answer_from_json(a));
  r.note = j.at("note").get<std::string>();
  r.opencv_messages = j.at("opencv_messages").get<std::vector<std::string>>();
  if (j.contains("checks")) {
    const json& c = j.at("checks");
    r.checks.max_abs_diff_vs_cpu = optional_from(c, "max_abs_diff_vs_cpu");
    r.checks.fp16_max_abs_diff = optional_from(c, "fp16_max_abs_diff");
    r.checks.fp16_reference = c.value("fp16_reference", "");
    r.checks.fp16_reference_scale = c.contains("fp16_reference_scale") ? number(c.at("fp16_reference_scale")) : 0.0;
  }
  r.gpu = gpu_use_from(j);
  const json& s = j.at("samples_ms");
  r.samples = {s.at("preprocess").get<std::vector<double>>(), s.at("infer").get<std::vector<double>>(),
               s.at("postprocess").get<std::vector<double>>(), s.at("total").get<std::vector<double>>()};
  return r;
}

Environment environment_from_json(const json& j) {
  Environment e;
  e.zoo_bench_version = j.at("zoo_bench_version").get<std::string>();
  e.opencv_version = j.at("opencv_version").get<std::string>();
  e.opencv_cuda = j.at("opencv_cuda").get<std::string>();
  e.cuda_version = j.at("cuda_version").get<std::string>();
  e.cudnn_version = j.at("cudnn_version").get<std::string>();
  e.driver_version = j.at("driver_version").get<std::string>();
  e.opencv_threads = int_at(j, "opencv_threads");
  e.command_line = j.at("command_line").get<std::string>();
  e.started_at = j.at("started_at").get<std::string>();
  e.host = j.at("host").get<std::string>();
  e.cpu = j.at("cpu").get<std::string>();
  e.cuda_features = j.value("cuda_features", "");
  e.heap = j.value("heap", "");  // files before 2026-12-02 ran with glibc's default heap
  e.nvidia_driver = j.value("nvidia_driver", "");
  e.cuda_runtime = j.value("cuda_runtime", "");
  e.cudnn_loaded = j.value("cudnn_loaded", "");
  e.run_id = j.value("run_id", "");
  for (const auto& g : list_of("gpus", j.at("gpus"))) {
    CudaDevice d;
    d.index = int_at(g, "index");
    d.name = g.at("name").get<std::string>();
    const auto [major, minor] = compute_capability_from(g.at("compute_capability").get<std::string>());
    d.compute_capability = {major, minor};
    d.total_memory = whole<std::size_t>(g.at("total_memory"), "total_memory");
    d.opencv_compatible = g.at("opencv_compatible").get<bool>();
    d.uuid = g.value("uuid", "");
    d.pci_bus_id = g.value("pci_bus_id", "");
    e.gpus.push_back(d);
  }
  return e;
}

// Longer than any benchmark call (about 11.6 days): a larger "sample" is an edit, and sums of such values
// overflow to infinity in the statistics.
constexpr double kLongestSampleMs = 1e9;
constexpr std::size_t kLongestText = 12288;  // a QR code: 7089 digits, or 2953 bytes written as U+FFFD each

// What one record must not hold, whoever edited it: a sample that is not a positive finite time (it would
// print as a negative speed-up), identity and counts a run cannot produce (printed as if measured).
void check_record(const RunRecord& r) {
  for (const auto* stage : {&r.samples.total, &r.samples.preprocess, &r.samples.infer, &r.samples.postprocess}) {
    for (double v : *stage) {
      if (!std::isfinite(v) || v < 0 || v > kLongestSampleMs) {
        throw Error(fmt::format("sample {} ms is not a time; the file was edited or corrupted", v));
      }
    }
  }
  if (r.trials < 1 || r.trial < 1 || r.trial > r.trials) {
    throw Error(fmt::format("trial {} of {} is not a trial; the file was edited or corrupted", r.trial, r.trials));
  }
  if (r.input_size.width < 0 || r.input_size.height < 0 || r.warmup < 0 || r.repeat < 0) {
    throw Error("a negative input size, warm-up or repeat; the file was edited or corrupted");
  }
  if (r.status == Status::Ok && r.samples.total.empty()) {
    throw Error("status ok without a single sample; the file was edited or corrupted");
  }
  // Comparing two texts costs the product of their lengths: recognisers write a few dozen characters, a QR
  // payload at most 8859 bytes (2953 bytes that are not UTF-8, each written as a 3-byte U+FFFD).
  for (const auto& a : r.answers) {
    for (const auto& text : a.texts) {
      if (text.size() > kLongestText) {
        throw Error(fmt::format("a recognised text of {} bytes (no recogniser or decoder writes over 12288); the file "
                                "was edited or corrupted", text.size()));
      }
    }
  }
}

// One measured benchmark trial (config, files, precision, size, target, trial number).
using TrialKey = std::tuple<std::string, std::string, std::string, int, int, int, int>;

TrialKey trial_key(const RunRecord& r) {
  return {r.config, r.file_list, r.precision, r.input_size.width, r.input_size.height, r.backend_target.index,
          r.trial};
}

// records[i] of a results file, read and checked; errors name the record.
RunRecord checked_record(const json& j, std::size_t i) {
  try {
    RunRecord r = record_from_json(j);
    check_record(r);
    return r;
  } catch (const json::exception& e) {
    throw Error(fmt::format("not a zoo-bench results file: records[{}]: {}", i, e.what()));
  } catch (const std::exception& e) {
    throw Error(fmt::format("records[{}]: {}", i, e.what()));
  }
}

}  // namespace

json answer_json(const ModelResult& a) {
  json j = json::object();
  if (!a.detections.empty()) {
    json dets = json::array();
    for (const auto& d : a.detections) {
      json points = json::array();
      for (const auto& p : d.points) points.push_back({p.x, p.y});
      dets.push_back({{"box", {d.box.x, d.box.y, d.box.width, d.box.height}}, {"score", d.score},
                      {"class", d.class_id}, {"points", points}});
    }
    j["detections"] = dets;
  }
  if (!a.classes.empty()) {
    json classes = json::array();
    for (std::size_t i = 0; i < a.classes.size() && i < 5; ++i) classes.push_back({a.classes[i].class_id, a.classes[i].score});
    j["classes"] = classes;
  }
  if (!a.texts.empty()) j["texts"] = a.texts;
  if (!a.mask.empty()) {
    std::map<int, int> counts;  // class -> pixels: a mask is too large to store, its class counts are not
    for (auto it = a.mask.begin<std::uint8_t>(); it != a.mask.end<std::uint8_t>(); ++it) ++counts[*it];
    json c = json::object();
    for (const auto& [cls, n] : counts) c[std::to_string(cls)] = n;
    j["mask_class_pixels"] = c;
  }
  if (!a.feature.empty()) {
    cv::Mat f;
    a.feature.reshape(1, 1).convertTo(f, CV_32F);
    j["feature"] = std::vector<float>(f.begin<float>(), f.end<float>());
  }
  return j;
}

ModelResult answer_from_json(const json& j) {
  ModelResult a;
  if (j.contains("detections")) {
    for (const auto& d : list_of("detections", j.at("detections"))) {
      Detection det;
      const auto& b = d.at("box");
      det.box = {number_f(b.at(0)), number_f(b.at(1)), number_f(b.at(2)), number_f(b.at(3))};
      det.score = number_f(d.at("score"));
      det.class_id = int_at(d, "class");
      for (const auto& p : list_of("points", d.at("points"))) {
        det.points.emplace_back(number_f(p.at(0)), number_f(p.at(1)));
      }
      a.detections.push_back(det);
    }
  }
  if (j.contains("classes")) {
    for (const auto& c : list_of("classes", j.at("classes"))) {
      a.classes.push_back({whole<int>(c.at(0), "classes"), number_f(c.at(1))});
    }
  }
  if (j.contains("texts")) a.texts = j.at("texts").get<std::vector<std::string>>();
  if (j.contains("feature")) a.feature = cv::Mat(numbers_f("feature", j.at("feature")), true).reshape(1, 1);
  return a;
}

namespace {

// --device runs: the GPUs side by side (derived from the records, so `report` recomputes it).
json gpu_comparison_json(const ResultSet& set) {
  json gpus = json::array();
  for (const auto& g : set.gpu_comparison.gpus) {
    gpus.push_back({{"index", g.index}, {"name", g.name}, {"uuid", g.uuid}, {"records", g.records}, {"ok", g.ok},
                    {"failed", g.failed}, {"memory_seen", g.memory_seen}, {"memory_not_seen", g.memory_not_seen},
                    {"measured_ms", g.measured_ms}});
  }
  json rows = json::array();
  for (const auto& r : set.gpu_comparison.rows) {
    const BenchmarkRow& row = set.rows[r.row];
    json medians = json::object();
    for (const auto& [index, ms] : r.medians) medians[std::to_string(index)] = ms;
    rows.push_back({{"model", row.model}, {"files", row.file_list}, {"backend_target", row.backend_target.name},
                    {"input_size", {row.input_size.width, row.input_size.height}}, {"median_ms_by_gpu", medians}});
  }
  return {{"gpus", gpus}, {"rows", rows}};
}

}  // namespace

json results_json(const ResultSet& set, bool complete) {
  json rows = json::array();
  for (const auto& row : set.rows) {
    json r = json::object();
    for (const auto& c : row_columns()) r[c.id] = c.cell(row).value;
    rows.push_back(std::move(r));
  }
  json records = json::array();
  for (const auto& r : set.records) records.push_back(record_json(r));
  json out = {{"schema_version", kResultsSchemaVersion}, {"complete", complete},
              {"environment", environment_json(set.environment)}, {"baseline_file", set.baseline_file},
              {"notes", set.notes}, {"rows", rows}, {"records", records}};
  if (!set.gpu_comparison.empty()) out["gpu_comparison"] = gpu_comparison_json(set);
  return out;
}

StoredResults parse_results_json(const std::string& text, const std::string& source) {
  try {
    const json j = json::parse(text);
    const int version = int_at(j, "schema_version");
    if (version != kResultsSchemaVersion) {
      throw Error(fmt::format("schema_version {} (this zoo-bench reads {}; rerun the benchmark with this version)",
                              version, kResultsSchemaVersion));
    }
    StoredResults stored;
    stored.complete = j.at("complete").get<bool>();
    stored.environment = environment_from_json(j.at("environment"));
    stored.baseline_file = j.value("baseline_file", "");
    const json& records = list_of("records", j.at("records"));
    std::set<TrialKey> seen;  // one benchmark trial twice would narrow the intervals
    for (std::size_t i = 0; i < records.size(); ++i) {
      RunRecord r = checked_record(records[i], i);
      if (r.status == Status::Ok && !seen.insert(trial_key(r)).second) {
        throw Error(fmt::format("records[{}]: trial {} of {} {} on {} appears twice", i, r.trial, r.model,
                                r.file_list, r.backend_target.name));
      }
      stored.records.push_back(std::move(r));
    }
    return stored;
  } catch (const json::exception& e) {
    throw Error(fmt::format("{}: not a zoo-bench results file: {}", source, e.what()));
  } catch (const std::exception& e) {  // our Error, or a standard exception on a malformed value
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
}

StoredResults read_results_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the results file", file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: cannot read the results file", file.string()));
  return parse_results_json(text.str(), file.string());
}

std::string journal_header_line(const Environment& environment) {
  return json_text(json{{"journal", "zoo-bench"}, {"schema_version", kResultsSchemaVersion},
                        {"run_id", environment.run_id}, {"environment", environment_json(environment)}});
}

std::string journal_record_line(const std::string& run_id, const RunRecord& record) {
  return json_text(json{{"run_id", run_id}, {"record", record_json(record)}});
}

JournalContents read_journal(const fs::path& file, const std::string& run_id) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the journal", file.string()));
  return read_journal(in, run_id);
}

JournalContents read_journal(std::istream& in, const std::string& run_id) {
  JournalContents contents;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    // A line cut by a kill or a full disk is not JSON: skipped, as the rows it held were never finished.
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      ++contents.skipped_lines;
      continue;
    }
    const auto id = j.find("run_id");
    if (id == j.end() || !id->is_string() || id->get<std::string>() != run_id || !j.contains("record")) continue;
    // A record that a run cannot have written is skipped like a cut line: it must not go into the resumed
    // run's results. A trial journaled twice (an item re-run on resume) is kept twice: the resume keeps
    // the later one.
    try {
      RunRecord r = record_from_json(j.at("record"));
      check_record(r);
      contents.records.push_back(std::move(r));
    } catch (const std::exception&) {
      ++contents.skipped_lines;
    }
  }
  return contents;
}

Environment last_journal_environment(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open the journal", file.string()));
  return last_journal_environment(in, file.string());
}

Environment last_journal_environment(std::istream& in, const std::string& source) {
  std::optional<Environment> last;
  std::string line;
  while (std::getline(in, line)) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("journal") || j.at("journal") != "zoo-bench") continue;
    // By reference, and printed only when a number: a copy or dump of a deeply nested value recurses.
    const auto version = j.find("schema_version");
    if (version == j.end() || !version->is_number_integer() || *version != kResultsSchemaVersion) {
      const std::string found = version == j.end()          ? "none"
                                : version->is_number()         ? version->dump()
                                                               : std::string("a JSON ") + version->type_name();
      throw Error(fmt::format("{}: a run of schema_version {} (this zoo-bench reads {}); start a new run",
                              source, found, kResultsSchemaVersion));
    }
    try {
      last = environment_from_json(j.at("environment"));
      last->run_id = j.at("run_id").get<std::string>();
    } catch (const std::exception& e) {
      throw Error(fmt::format("{}: a run's header line is not zoo-bench's: {}", source, e.what()));
    }
  }
  if (!last) throw Error(fmt::format("{}: holds no run's header line: not a zoo-bench journal", source));
  return *last;
}

}  // namespace zoobench
