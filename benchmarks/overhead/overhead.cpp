// zoo-bench-overhead: what does zoo-bench's measurement add to the time it reports?
//
// Times one net two ways, alternating call by call:
//   zoo-bench: the real measurement core (Runner::run on a plan item of the family, the same code
//              `zoo-bench` runs; the model is loaded afresh every round, as zoo-bench does), whose infer
//              stage is what it reports as inference time;
//   bare:      setInput + forward on a net read here, timed with steady_clock, run between zoo-bench's
//              calls through Timing::after_call (outside zoo-bench's timed span). Its input blob is made
//              afresh (untimed) before every call, as zoo-bench's preprocess makes one: a forward fed the
//              same blob over and over was 1-4% faster than one fed a fresh blob (YuNet 160x120, 2 threads,
//              OpenCV 4.6 and 4.10), a difference of the workload, not of the harness (--bare-reuse-blob).
// Each zoo-bench call is paired with the adjacent bare call (the bare call follows it in odd rounds and
// precedes it in even ones), so drift hits both sides of a pair alike. The overhead is the median of the
// paired ratios zoo/bare with a bootstrap 95% interval over the rounds and the pairs within them
// (stats/paired.hpp: a model load can shift a whole round); the rounds are kept as a second view
// (ratio of the round medians).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>
#include <nlohmann/json.hpp>

#include <malloc.h>
#include <sys/resource.h>

#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/device/environment.hpp"
#include "zoobench/error.hpp"
#include "zoobench/measure/clock.hpp"
#include "zoobench/measure/heap.hpp"
#include "zoobench/measure/measure.hpp"
#include "zoobench/plan/backend.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/stats/paired.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {
namespace {

struct Options {
  std::string config = std::string(ZOO_BENCH_SOURCE_DIR) + "/configs/face_detection_yunet.yaml";
  std::string model;
  std::string image;
  std::string input_size;  // "WxH": the image is resized to it, as the zoo's data sizes do; empty keeps it
  int backend_target = 0;
  int rounds = 10;
  int warmup = 10;
  int repeat = 100;
  double max_seconds = 0;  // > 0: start no round after this long (at least 2 rounds run)
  int threads = -1;  // OpenCV's own choice
  bool bare_reload = false;  // diagnosis: read the bare net afresh every round, as zoo-bench does
  bool zoo_keep = false;     // diagnosis: time one zoo-bench model kept across rounds instead of Runner::run
  bool bare_reuse_blob = false;  // diagnosis: feed the bare net one blob made once, not a fresh one per call
  std::string json_file;
};

// "160x120" -> 160x120; anything else is a usage error naming the option.
cv::Size parse_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &rest) != 3 || (x != 'x' && x != 'X') || w <= 0 || h <= 0) {
    throw ConfigError(fmt::format("--input-size '{}': expected WIDTHxHEIGHT, e.g. 160x120", text));
  }
  return {w, h};
}

// One item of the family, as make_plan builds it, on one image of our choosing.
PlanItem make_item(const Options& o) {
  auto config = std::make_shared<const BenchmarkConfig>(load_config(o.config));
  const Family* family = find_family(config->model_name);
  if (family == nullptr) throw ConfigError(fmt::format("{}: Model.name '{}' is not a zoo-bench family", o.config,
                                                       config->model_name));
  if (family->is_tracker()) throw ConfigError(fmt::format("{}: a tracker; this program times image models", o.config));
  cv::Mat image = cv::imread(o.image);
  if (image.empty()) throw ConfigError(fmt::format("{}: not a readable image", o.image));
  if (!o.input_size.empty()) cv::resize(cv::Mat(image), image, parse_size(o.input_size));
  PlanItem item;
  item.config = config;
  item.config_name = config->file.filename().string();
  item.family = family;
  item.variant.files = {o.model};
  item.variant.precision = precision_of(std::filesystem::path(o.model).filename().string());
  item.backend_target = backend_target_at(o.backend_target);
  item.timing.warmup = o.warmup;
  item.timing.repeat = o.repeat;
  InputGroup group;
  group.size = image.size();
  group.items.push_back(InputItem{o.image, image, cv::Mat()});
  item.inputs = std::make_shared<const std::vector<InputGroup>>(std::vector<InputGroup>{group});
  return item;
}

// Minor page faults of the whole process so far (each is a fresh page the kernel had to map: a
// forward that keeps re-faulting its buffers pays for it on every call, the more so on many threads).
long minor_faults() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// glibc's heap: bytes in mmapped chunks and in the arenas (where a fresh net's buffers land).
std::string heap_state() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 m = ::mallinfo2();
  return fmt::format("{}x mmap {:.1f} MB, arena {:.1f} MB", m.hblks, m.hblkhd / 1048576.0, m.arena / 1048576.0);
#else
  return "";
#endif
}

RunRecord run_zoo_bench(Runner& runner, const PlanItem& item, std::vector<RunRecord>& sink) {
  sink.clear();
  runner.run(item);
  if (sink.size() != 1) throw Error(fmt::format("zoo-bench gave {} records for one image", sink.size()));
  if (sink.front().status != Status::Ok) throw Error("zoo-bench's run failed: " + sink.front().message);
  return sink.front();
}

// Diagnosis (--zoo-keep): zoo-bench's own model and strategy, built once and timed every round.
class KeptZoo {
 public:
  explicit KeptZoo(const PlanItem& item)
      : m_item(item),
        m_subject(item.family->make(ModelContext{item.variant.files, item.config->params, item.backend_target})) {}
  std::vector<double> run(const Timing& timing) {
    SizeMeasurement measured;
    m_subject->measure(m_item.inputs->front(), timing, [](const std::function<void()>& call) { call(); }, measured);
    return std::move(measured.samples.infer);
  }

 private:
  const PlanItem& m_item;
  std::unique_ptr<Measurable> m_subject;
};

// The bare side: the same file, the same backend/target, an input blob of the shape zoo-bench fed.
class BareNet {
 public:
  BareNet(const Options& o, const std::vector<int>& shape, const cv::Mat& image)
      : m_net(read_net(o.model, backend_target_at(o.backend_target))),
        m_names(m_net.getUnconnectedOutLayersNames()),
        m_image(image),
        m_reuse_blob(o.bare_reuse_blob) {
    if (shape.size() != 4) throw Error("zoo-bench's net input is not 4-D: the bare loop cannot rebuild it");
    m_size = cv::Size(shape[3], shape[2]);
    make_blob();
  }

  void call() {
    m_net.setInput(m_blob);
    m_net.forward(m_outputs, m_names);
  }
  // One timed call, its minor page faults counted.
  double timed_call() {
    if (!m_reuse_blob) make_blob();
    const long faults0 = minor_faults();
    const auto t0 = Clock::now();
    call();
    const double ms = ms_since(t0);
    m_faults += minor_faults() - faults0;
    return ms;
  }
  long take_faults() { return std::exchange(m_faults, 0); }

 private:
  // NCHW from the real image at the net's size; the values only need to be a real picture.
  void make_blob() { m_blob = cv::dnn::blobFromImage(m_image, 1.0, m_size); }

  cv::dnn::Net m_net;
  std::vector<std::string> m_names;
  cv::Mat m_image;
  cv::Size m_size;
  bool m_reuse_blob;
  cv::Mat m_blob;
  std::vector<cv::Mat> m_outputs;
  long m_faults = 0;
};

// Runs the bare call between zoo-bench's calls (Timing::after_call). After zoo-bench's call c (0-based,
// of warmup + repeat): bare_after, the bare call pairs with call c; otherwise with call c + 1, so the
// last call is followed by none and the first timed call is preceded by one (needs warmup >= 1).
class Alternation {
 public:
  Alternation(BareNet& bare, const Timing& timing, bool bare_after)
      : m_bare(bare), m_warmup(timing.warmup), m_total(timing.warmup + timing.repeat), m_bare_after(bare_after) {}

  void after_call() {
    const int c = m_calls++;
    const int paired_with = m_bare_after ? c : c + 1;
    if (paired_with >= m_total) return;
    if (paired_with < m_warmup) {
      m_bare.call();
    } else {
      m_samples.push_back(m_bare.timed_call());
    }
  }
  std::vector<double> take_samples() { return std::move(m_samples); }

 private:
  BareNet& m_bare;
  int m_warmup, m_total;
  bool m_bare_after;
  int m_calls = 0;
  std::vector<double> m_samples;
};

// "Below 1%" needs the whole interval's upper end below 1.01, on a placement zoo-bench verified.
std::string overhead_verdict(bool placement_ok, const stats::PairedRatio& r) {
  if (!placement_ok) return "unverified (the net did not verifiably run on the requested target)";
  if (!r.ci95) return fmt::format("not shown (too few pairs or rounds for an interval: {} pairs)", r.pairs);
  if (r.ci95->high < 1.01) return fmt::format("target met (the 95% interval's upper end {:.4f} is below 1.01)", r.ci95->high);
  return fmt::format("not shown (the 95% interval reaches {:.4f}, not below 1.01)", r.ci95->high);
}

int run(const Options& o, const std::string& command_line) {
  if (o.threads > 0) cv::setNumThreads(o.threads);
  const auto started = std::chrono::steady_clock::now();
  const PlanItem item = make_item(o);
  std::vector<RunRecord> sink;
  Runner runner([&](RunRecord r) { sink.push_back(std::move(r)); }, [](const std::string&) {});
  // A first zoo-bench run tells the net input shape (and loads everything once, untimed here).
  const RunRecord probe = run_zoo_bench(runner, item, sink);
  if (probe.net_input_shapes.empty()) throw Error("zoo-bench recorded no net input shape");
  const auto make_bare = [&] {
    return std::make_unique<BareNet>(o, probe.net_input_shapes.front(), item.inputs->front().items.front().image);
  };
  std::unique_ptr<BareNet> bare_net = make_bare();
  std::unique_ptr<KeptZoo> kept = o.zoo_keep ? std::make_unique<KeptZoo>(item) : nullptr;

  const Environment env = collect_environment(command_line);
  // A GPU figure only counts when zoo-bench's own evidence says the net ran there.
  const bool placement_ok = !item.backend_target.placement_checked || probe.device.verified();
  const std::string placement = item.backend_target.placement_checked ? probe.device.describe() : "CPU";
  std::string shape;
  for (int d : probe.net_input_shapes.front()) shape += (shape.empty() ? "" : "x") + std::to_string(d);
  const cv::Size image_size = item.inputs->front().size;
  fmt::print("{}\nheap: {}\n{} {} on {}, image {}x{}, net input {}: up to {} rounds{} x {} timed call pairs (warm-up {}), "
             "alternating call by call; placement: {}\n\n",
             environment_line(env), heap_policy(), item.family->name, item.variant.file_list(), item.backend_target.name,
             image_size.width, image_size.height, shape, o.rounds,
             o.max_seconds > 0 ? fmt::format(" or {:g} s", o.max_seconds) : "", o.repeat, o.warmup, placement);
  if (o.bare_reload || o.zoo_keep || o.bare_reuse_blob) {
    fmt::print("diagnosis: {}{}{}\n", o.bare_reload ? "bare net read afresh every round; " : "",
               o.bare_reuse_blob ? "bare net fed one blob made once (no fresh input per call); " : "",
               o.zoo_keep ? "zoo-bench model built once and kept (no Runner::run per round)" : "");
  }
  fmt::print("{:>5}  {:>10}  {:>6}  {:>12}  {:>12}  {:>8}  {:>8}  {:>13}  {:>13}  {}\n", "round", "bare call", "pairs",
             "bare ms", "zoo infer ms", "ratio", "paired", "bare flt/call", "zoo flt/call", "heap after the round");
  stats::Trials zoo_rounds, bare_rounds;
  std::vector<double> all_zoo, all_bare;
  nlohmann::json rounds = nlohmann::json::array();
  int round = 0;
  const auto elapsed_s = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  while (round < o.rounds && (round < 2 || o.max_seconds <= 0 || elapsed_s() < o.max_seconds)) {
    ++round;
    const bool bare_after = round % 2 == 1;
    if (o.bare_reload && round > 1) {
      bare_net.reset();  // the old net goes first, as zoo-bench's does before it loads the next
      bare_net = make_bare();
    }
    Alternation alternation(*bare_net, item.timing, bare_after);
    PlanItem round_item = item;
    round_item.timing.after_call = [&alternation](bool) { alternation.after_call(); };
    bare_net->take_faults();
    const long faults0 = minor_faults();
    const std::vector<double> zoo_samples =
        kept ? kept->run(round_item.timing) : run_zoo_bench(runner, round_item, sink).samples.infer;
    const long bare_faults = bare_net->take_faults();
    // zoo-bench's share: the whole Runner::run (load, warm-up, timed calls) less the bare calls, per call.
    const double zoo_faults = static_cast<double>(minor_faults() - faults0 - bare_faults) / (o.warmup + o.repeat);
    const std::vector<double> bare_samples = alternation.take_samples();
    if (bare_samples.size() != zoo_samples.size()) {
      throw Error(fmt::format("round {}: {} zoo-bench samples but {} bare ones: the calls did not pair up", round,
                              zoo_samples.size(), bare_samples.size()));
    }
    const double bare_median = stats::median(bare_samples), zoo_median = stats::median(zoo_samples);
    const double ratio = zoo_median / bare_median;
    const double paired = stats::paired_ratio({zoo_samples}, {bare_samples}, 0).median;
    const double bare_fpc = static_cast<double>(bare_faults) / static_cast<double>(bare_samples.size());
    fmt::print("{:>5}  {:>10}  {:>6}  {:>12.4f}  {:>12.4f}  {:>8.4f}  {:>8.4f}  {:>13.1f}  {:>13.1f}  {}\n", round,
               bare_after ? "after" : "before", bare_samples.size(), bare_median, zoo_median, ratio, paired, bare_fpc,
               zoo_faults, heap_state());
    rounds.push_back({{"round", round}, {"bare_call", bare_after ? "after" : "before"}, {"pairs", bare_samples.size()},
                      {"bare_median_ms", bare_median}, {"zoo_infer_median_ms", zoo_median}, {"ratio", ratio},
                      {"paired_ratio_median", paired}, {"bare_minor_faults_per_call", bare_fpc},
                      {"zoo_minor_faults_per_call", zoo_faults}});
    all_zoo.insert(all_zoo.end(), zoo_samples.begin(), zoo_samples.end());
    all_bare.insert(all_bare.end(), bare_samples.begin(), bare_samples.end());
    zoo_rounds.push_back(zoo_samples);
    bare_rounds.push_back(bare_samples);
  }
  const stats::PairedRatio overall = stats::paired_ratio(zoo_rounds, bare_rounds, 12345);
  const double ratio_of_medians = stats::median(all_zoo) / stats::median(all_bare);
  std::vector<double> round_ratios;
  for (const auto& r : rounds) round_ratios.push_back(r["ratio"].get<double>());
  const std::string verdict = overhead_verdict(placement_ok, overall);
  const std::string interval =
      overall.ci95 ? fmt::format("{:.4f}-{:.4f}", overall.ci95->low, overall.ci95->high) : std::string("none");
  fmt::print("\nzoo-bench infer / bare forward: {:.4f} ({:+.2f}%), 95% interval {} over {} pairs ({} rounds, {:.0f} s); "
             "ratio of medians {:.4f}; round ratios {:.4f}-{:.4f}\noverhead: {}\n",
             overall.median, (overall.median - 1) * 100, interval, overall.pairs, round, elapsed_s(), ratio_of_medians,
             stats::min(round_ratios), stats::max(round_ratios), verdict);
  if (!o.json_file.empty()) {
    const nlohmann::json j = {
        {"command", command_line},
        {"environment", environment_line(env)},
        {"model", item.variant.files.front().string()},
        {"image", o.image},
        {"input_size", fmt::format("{}x{}", image_size.width, image_size.height)},
        {"backend_target", item.backend_target.name},
        {"placement", placement},
        {"heap", heap_policy()},
        {"net_input", shape},
        {"order", "alternating call by call; each zoo-bench call paired with the adjacent bare call"},
        {"rounds", rounds},
        {"warmup", o.warmup},
        {"repeat", o.repeat},
        {"pairs", overall.pairs},
        {"ratio", overall.median},
        {"ratio_ci95", overall.ci95 ? nlohmann::json{overall.ci95->low, overall.ci95->high} : nlohmann::json(nullptr)},
        {"ratio_of_medians", ratio_of_medians},
        {"round_ratio_min", stats::min(round_ratios)},
        {"round_ratio_max", stats::max(round_ratios)},
        {"seconds", elapsed_s()},
        {"verdict", verdict}};
    std::ofstream out(o.json_file);
    if (!(out << j.dump(2) << '\n')) throw Error(fmt::format("{}: cannot write the JSON", o.json_file));
  }
  return 0;
}

}  // namespace
}  // namespace zoobench

int main(int argc, char** argv) {
  CLI::App app("zoo-bench-overhead: zoo-bench's measured infer stage against a bare setInput+forward of the same "
               "net, alternating call by call; prints the median paired ratio with its bootstrap interval",
               "zoo-bench-overhead");
  zoobench::Options o;
  app.add_option("--model", o.model, "The model file (e.g. face_detection_yunet_2023mar.onnx)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--image", o.image, "One input image (e.g. the zoo's face_detection data)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--input-size", o.input_size,
                 "Resize the image to WIDTHxHEIGHT first, as a config's data sizes do (the zoo's YuNet: 160x120; "
                 "default: the image's own size)");
  app.add_option("--config", o.config, "The family's zoo config (default: configs/face_detection_yunet.yaml)")
      ->check(CLI::ExistingFile);
  app.add_option("--backend-target", o.backend_target, "0 CPU, 1 CUDA, 2 CUDA FP16")
      ->check(CLI::Range(0, static_cast<int>(zoobench::backend_target_pairs().size()) - 1));
  app.add_option("--rounds", o.rounds, "Rounds, each one zoo-bench run with the model loaded afresh (default 10)")
      ->check(CLI::Range(2, 1000));
  app.add_option("--max-seconds", o.max_seconds, "Start no further round after this many seconds (at least 2 rounds run)")
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", o.warmup, "Untimed call pairs per round (default 10; at least 1)")->check(CLI::Range(1, 1000000));
  app.add_option("--repeat", o.repeat, "Timed call pairs per round (default 100)")->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "OpenCV threads (cv::setNumThreads; default: OpenCV's choice)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--bare-reload", o.bare_reload, "Diagnosis: read the bare net afresh every round (as zoo-bench does)");
  app.add_flag("--zoo-keep", o.zoo_keep,
               "Diagnosis: build zoo-bench's model once and time it every round (instead of Runner::run, which "
               "loads the model afresh)");
  app.add_flag("--bare-reuse-blob", o.bare_reuse_blob,
               "Diagnosis: feed the bare net one input blob made once, instead of a fresh one (made untimed) before "
               "every call as zoo-bench's preprocess and any real pipeline do");
  app.add_option("--json", o.json_file, "Also write the rounds and the ratio as JSON");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // usage errors exit 2, as zoo-bench's do
  }
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i == 0 ? "" : " ") + std::string(argv[i]);
  try {
    return zoobench::run(o, command_line);
  } catch (const zoobench::ConfigError& e) {
    std::cerr << "zoo-bench-overhead: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "zoo-bench-overhead: error: " << e.what() << "\n";
    return 1;
  }
}
