// zoo-bench-overhead: what does zoo-bench's measurement add to the time it reports?
//
// Times one net two ways, interleaved round by round (bare first in odd rounds, zoo-bench first in
// even ones, so drift and order hit both alike):
//   bare:      a loop of setInput + forward on a net read here, timed with steady_clock;
//   zoo-bench: the real measurement core (Runner::run on a plan item of the family, the same code
//              `zoo-bench` runs), whose infer stage is what it reports as inference time.
// The overhead is median(zoo-bench infer) / median(bare) per round, summed up as the median of the
// round ratios with zoo-bench's own paired interval over the rounds (stats/trials.hpp).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
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
#include "zoobench/stats/stats.hpp"
#include "zoobench/stats/trials.hpp"

namespace zoobench {
namespace {

struct Options {
  std::string config = std::string(ZOO_BENCH_SOURCE_DIR) + "/configs/face_detection_yunet.yaml";
  std::string model;
  std::string image;
  int backend_target = 0;
  int rounds = 10;
  int warmup = 10;
  int repeat = 100;
  int threads = -1;  // OpenCV's own choice
  bool bare_reload = false;  // diagnosis: read the bare net afresh every round, as zoo-bench does
  bool zoo_keep = false;     // diagnosis: time one zoo-bench model kept across rounds instead of Runner::run
  std::string json_file;
};

// One item of the family, as make_plan builds it, on one image of our choosing.
PlanItem make_item(const Options& o) {
  auto config = std::make_shared<const BenchmarkConfig>(load_config(o.config));
  const Family* family = find_family(config->model_name);
  if (family == nullptr) throw ConfigError(fmt::format("{}: Model.name '{}' is not a zoo-bench family", o.config,
                                                       config->model_name));
  if (family->is_tracker()) throw ConfigError(fmt::format("{}: a tracker; this program times image models", o.config));
  const cv::Mat image = cv::imread(o.image);
  if (image.empty()) throw ConfigError(fmt::format("{}: not a readable image", o.image));
  PlanItem item;
  item.config = config;
  item.config_name = config->file.filename().string();
  item.family = family;
  item.variant.files = {o.model};
  item.variant.precision = precision_of(std::filesystem::path(o.model).filename().string());
  item.backend_target = backend_target_at(o.backend_target);
  item.timing = Timing{o.warmup, o.repeat};
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
  std::vector<double> run() {
    SizeMeasurement measured;
    m_subject->measure(m_item.inputs->front(), m_item.timing, [](const std::function<void()>& call) { call(); },
                       measured);
    return std::move(measured.samples.infer);
  }

 private:
  const PlanItem& m_item;
  std::unique_ptr<Measurable> m_subject;
};

// The bare loop: the same file, the same backend/target, an input blob of the shape zoo-bench fed.
class BareLoop {
 public:
  BareLoop(const Options& o, const std::vector<int>& shape, const cv::Mat& image)
      : m_net(read_net(o.model, backend_target_at(o.backend_target))), m_names(m_net.getUnconnectedOutLayersNames()) {
    if (shape.size() != 4) throw Error("zoo-bench's net input is not 4-D: the bare loop cannot rebuild it");
    // NCHW from the real image at the net's size; the values only need to be a real picture.
    m_blob = cv::dnn::blobFromImage(image, 1.0, cv::Size(shape[3], shape[2]));
  }

  std::vector<double> run(int warmup, int repeat) {
    for (int i = 0; i < warmup; ++i) call();
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(repeat));
    const long faults0 = minor_faults();
    for (int i = 0; i < repeat; ++i) {
      const auto t0 = Clock::now();
      call();
      samples.push_back(ms_since(t0));
    }
    m_faults_per_call = static_cast<double>(minor_faults() - faults0) / repeat;
    return samples;
  }
  double faults_per_call() const { return m_faults_per_call; }

 private:
  void call() {
    m_net.setInput(m_blob);
    m_net.forward(m_outputs, m_names);
  }
  cv::dnn::Net m_net;
  std::vector<std::string> m_names;
  cv::Mat m_blob;
  std::vector<cv::Mat> m_outputs;
  double m_faults_per_call = 0;
};

// "Below 1%" needs the whole interval's upper end below 1.01, on a placement zoo-bench verified.
std::string overhead_verdict(bool placement_ok, const std::optional<stats::Interval>& interval) {
  if (!placement_ok) return "unverified (the net did not verifiably run on the requested target)";
  if (!interval) return "unverified (too few rounds for an interval)";
  if (interval->high >= 1.01) return "NOT shown below 1% (the interval reaches 1% or more)";
  if (interval->low > 0.99) return "below 1% (the whole 95% interval is within +-1%)";
  return "below 1% (zoo-bench's stage is not slower by 1% or more)";
}

int run(const Options& o, const std::string& command_line) {
  if (o.threads > 0) cv::setNumThreads(o.threads);
  const PlanItem item = make_item(o);
  std::vector<RunRecord> sink;
  Runner runner([&](RunRecord r) { sink.push_back(std::move(r)); }, [](const std::string&) {});
  // A first zoo-bench run tells the net input shape (and loads everything once, untimed here).
  const RunRecord probe = run_zoo_bench(runner, item, sink);
  if (probe.net_input_shapes.empty()) throw Error("zoo-bench recorded no net input shape");
  const auto make_bare = [&] {
    return std::make_unique<BareLoop>(o, probe.net_input_shapes.front(), item.inputs->front().items.front().image);
  };
  std::unique_ptr<BareLoop> bare_loop = make_bare();
  std::unique_ptr<KeptZoo> kept = o.zoo_keep ? std::make_unique<KeptZoo>(item) : nullptr;

  const Environment env = collect_environment(command_line);
  // A GPU figure only counts when zoo-bench's own evidence says the net ran there.
  const bool placement_ok = !item.backend_target.placement_checked || probe.device.verified();
  const std::string placement = item.backend_target.placement_checked ? probe.device.describe() : "CPU";
  std::string shape;
  for (int d : probe.net_input_shapes.front()) shape += (shape.empty() ? "" : "x") + std::to_string(d);
  fmt::print("{}\nheap: {}\n{} {} on {}, net input {}: {} rounds x {} timed calls (warm-up {}), interleaved; placement: {}\n\n",
             environment_line(env), heap_policy(), item.family->name, item.variant.file_list(), item.backend_target.name, shape,
             o.rounds, o.repeat, o.warmup, placement);
  if (o.bare_reload || o.zoo_keep) {
    fmt::print("diagnosis: {}{}\n", o.bare_reload ? "bare net read afresh every round; " : "",
               o.zoo_keep ? "zoo-bench model built once and kept (no Runner::run per round)" : "");
  }
  fmt::print("{:>5}  {:>12}  {:>14}  {:>14}  {:>8}  {:>12}  {:>12}  {}\n", "round", "first", "bare ms", "zoo infer ms",
             "ratio", "bare flt/call", "zoo flt/call", "heap after the round");
  stats::Trials bare_trials, zoo_trials;
  std::vector<double> ratios;
  nlohmann::json rounds = nlohmann::json::array();
  for (int round = 1; round <= o.rounds; ++round) {
    const bool bare_first = round % 2 == 1;
    std::vector<double> bare_samples, zoo_samples;
    if (o.bare_reload && round > 1) {
      bare_loop.reset();  // the old net goes first, as zoo-bench's does before it loads the next
      bare_loop = make_bare();
    }
    BareLoop& bare = *bare_loop;
    if (bare_first) bare_samples = bare.run(o.warmup, o.repeat);
    const long zoo_faults0 = minor_faults();
    zoo_samples = kept ? kept->run() : run_zoo_bench(runner, item, sink).samples.infer;
    // The whole Runner::run (load, warm-up, timed calls) over its calls: loading adds some per call.
    const double zoo_faults = static_cast<double>(minor_faults() - zoo_faults0) / (o.warmup + o.repeat);
    if (!bare_first) bare_samples = bare.run(o.warmup, o.repeat);
    const double bare_median = stats::median(bare_samples), zoo_median = stats::median(zoo_samples);
    ratios.push_back(zoo_median / bare_median);
    fmt::print("{:>5}  {:>12}  {:>14.4f}  {:>14.4f}  {:>8.4f}  {:>12.1f}  {:>12.1f}  {}\n", round,
               bare_first ? "bare" : "zoo-bench", bare_median, zoo_median, ratios.back(), bare.faults_per_call(),
               zoo_faults, heap_state());
    rounds.push_back({{"round", round}, {"first", bare_first ? "bare" : "zoo-bench"}, {"bare_median_ms", bare_median},
                      {"zoo_infer_median_ms", zoo_median}, {"ratio", ratios.back()},
                      {"bare_minor_faults_per_call", bare.faults_per_call()},
                      {"zoo_minor_faults_per_call", zoo_faults}});
    bare_trials.push_back(std::move(bare_samples));
    zoo_trials.push_back(std::move(zoo_samples));
  }
  // Ratio of the medians of round medians, with the paired interval zoo-bench gives its speed-ups.
  const double ratio = stats::median_of_medians(zoo_trials) / stats::median_of_medians(bare_trials);
  const auto interval = stats::speedup_interval(zoo_trials, bare_trials, /*paired=*/true, 12345);
  const double low = interval ? interval->low : ratio, high = interval ? interval->high : ratio;
  const std::string verdict = overhead_verdict(placement_ok, interval);
  fmt::print("\nzoo-bench infer / bare forward: {:.4f} ({:+.2f}%), 95% interval {:.4f}-{:.4f}; round ratios {:.4f}-{:.4f} "
             "(median {:.4f})\noverhead: {}\n",
             ratio, (ratio - 1) * 100, low, high, stats::min(ratios), stats::max(ratios), stats::median(ratios),
             verdict);
  if (!o.json_file.empty()) {
    const nlohmann::json j = {{"command", command_line},
                              {"environment", environment_line(env)},
                              {"model", item.variant.files.front().string()},
                              {"image", o.image},
                              {"backend_target", item.backend_target.name},
                              {"placement", placement},
                              {"heap", heap_policy()},
                              {"net_input", shape},
                              {"rounds", rounds},
                              {"warmup", o.warmup},
                              {"repeat", o.repeat},
                              {"ratio", ratio},
                              {"ratio_ci95", interval ? nlohmann::json{low, high} : nlohmann::json(nullptr)},
                              {"round_ratio_min", stats::min(ratios)},
                              {"round_ratio_max", stats::max(ratios)},
                              {"verdict", verdict}};
    std::ofstream out(o.json_file);
    if (!(out << j.dump(2) << '\n')) throw Error(fmt::format("{}: cannot write the JSON", o.json_file));
  }
  return 0;
}

}  // namespace
}  // namespace zoobench

int main(int argc, char** argv) {
  CLI::App app("zoo-bench-overhead: zoo-bench's measured infer stage against a bare setInput+forward loop of the "
               "same net, interleaved; prints the ratio with its interval",
               "zoo-bench-overhead");
  zoobench::Options o;
  app.add_option("--model", o.model, "The model file (e.g. face_detection_yunet_2023mar.onnx)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--image", o.image, "One input image (e.g. the zoo's face_detection data)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--config", o.config, "The family's zoo config (default: configs/face_detection_yunet.yaml)")
      ->check(CLI::ExistingFile);
  app.add_option("--backend-target", o.backend_target, "0 CPU, 1 CUDA, 2 CUDA FP16")
      ->check(CLI::Range(0, static_cast<int>(zoobench::backend_target_pairs().size()) - 1));
  app.add_option("--rounds", o.rounds, "Interleaved rounds (default 10)")->check(CLI::Range(2, 1000));
  app.add_option("--warmup", o.warmup, "Untimed calls per round and side (default 10)")->check(CLI::NonNegativeNumber);
  app.add_option("--repeat", o.repeat, "Timed calls per round and side (default 100)")->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "OpenCV threads (cv::setNumThreads; default: OpenCV's choice)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--bare-reload", o.bare_reload, "Diagnosis: read the bare net afresh every round (as zoo-bench does)");
  app.add_flag("--zoo-keep", o.zoo_keep,
               "Diagnosis: build zoo-bench's model once and time it every round (instead of Runner::run, which "
               "loads the model afresh)");
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
  } catch (const std::exception& e) {
    std::cerr << "zoo-bench-overhead: error: " << e.what() << "\n";
    return 1;
  }
}
