// Issue 11, everything that needs no GPU: --device parsing and its checks, the plan split over workers,
// worker threads per device (fake devices: a bind hook and a free-memory reader), the per-GPU doctor
// verdicts with a fake probe, the GPU comparison, and the CLI's one-line errors on this (GPU-less) machine.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/cli/app.hpp"
#include "zoobench/cli/device_run.hpp"
#include "zoobench/device/device_choice.hpp"
#include "zoobench/device/doctor.hpp"
#include "zoobench/device/gpu_identity.hpp"
#include "zoobench/error.hpp"
#include "zoobench/measure/device_workers.hpp"
#include "zoobench/plan/split.hpp"
#include "zoobench/report/progress.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/report/results_json.hpp"
#include "zoobench/stats/aggregate.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

CudaDevice gpu(int index, const std::string& name = "NVIDIA H200") {
  CudaDevice d;
  d.index = index;
  d.name = name;
  d.compute_capability = {9, 0};
  d.opencv_compatible = true;
  d.opencv_fp16 = true;
  d.uuid = fmt::format("GPU-0000000{}-0000-0000-0000-000000000000", index);
  return d;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no ConfigError)";
}

// ---- --device parsing and checks ----

TEST(DeviceChoice, ParsesIndicesAndAll) {
  EXPECT_EQ(parse_device_choice("0").index, 0);
  EXPECT_EQ(parse_device_choice("7").index, 7);
  EXPECT_TRUE(parse_device_choice("all").all);
  EXPECT_TRUE(parse_device_choice("ALL").all);
  EXPECT_FALSE(parse_device_choice("all").index);
  EXPECT_EQ(parse_device_choice("1").text(), "1");
  EXPECT_EQ(DeviceChoice{}.text(), "");
  EXPECT_FALSE(DeviceChoice{}.given());
}

TEST(DeviceChoice, RejectsAnythingElseNamingTheOption) {
  for (const std::string bad : {"", "-1", "x", "1.5", "0,1", " 1", "99999"}) {
    const std::string m = message_of([&] { parse_device_choice(bad); });
    EXPECT_NE(m.find("--device"), std::string::npos) << bad << ": " << m;
    EXPECT_NE(m.find("'all'"), std::string::npos) << bad << ": " << m;
  }
}

TEST(DeviceChoice, AnIndexThatDoesNotExistIsOneLineNamingWhatIsVisible) {
  const std::string m = message_of([] { resolve_devices(parse_device_choice("1"), {gpu(0)}); });
  EXPECT_NE(m.find("--device 1: no such GPU"), std::string::npos) << m;
  EXPECT_NE(m.find("1 CUDA device is visible (0 NVIDIA H200)"), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST(DeviceChoice, NoVisibleDeviceIsAnErrorForAnIndexAndForAll) {
  for (const std::string choice : {"0", "all"}) {
    const std::string m = message_of([&] { resolve_devices(parse_device_choice(choice), {}); });
    EXPECT_NE(m.find("sees no CUDA device"), std::string::npos) << m;
    EXPECT_NE(m.find("zoo-bench doctor"), std::string::npos) << m;
  }
}

TEST(DeviceChoice, ResolvesToTheChosenOrEveryVisibleDevice) {
  const std::vector<CudaDevice> two = {gpu(0), gpu(1)};
  EXPECT_EQ(resolve_devices(parse_device_choice("1"), two), std::vector<int>{1});
  EXPECT_EQ(resolve_devices(parse_device_choice("all"), two), (std::vector<int>{0, 1}));
  EXPECT_EQ(resolve_devices(parse_device_choice("all"), {gpu(0)}), std::vector<int>{0});
  EXPECT_TRUE(resolve_devices(DeviceChoice{}, two).empty());
}

TEST(GpuIdentity, UuidIsWrittenAsNvidiaSmiWritesIt) {
  const std::array<unsigned char, 16> bytes = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                               0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  EXPECT_EQ(format_gpu_uuid(bytes), "GPU-00112233-4455-6677-8899-aabbccddeeff");
}

// ---- the plan split ----

// Plan items as plan_benchmark makes them (variant, then trial, then pair), without inputs.
Plan fake_plan(const std::vector<std::string>& configs, int trials, const std::vector<int>& pairs) {
  Plan plan;
  for (const auto& config : configs) {
    for (int trial = 1; trial <= trials; ++trial) {
      for (const int pair : pairs) {
        PlanItem item;
        item.config_name = config;
        item.variant.files = {fs::path(config + ".onnx")};
        item.backend_target = backend_target_at(pair);
        item.trial = trial;
        item.trials = trials;
        item.status = Status::Missing;
        item.reason = "fake";
        plan.items.push_back(item);
      }
    }
  }
  return plan;
}

TEST(SplitPlan, AUnitIsOneTrialOfOneBenchmarkWithItsTargetsTogether) {
  const Plan plan = fake_plan({"a", "b"}, 3, {0, 1, 2});
  const auto units = work_units(plan);
  ASSERT_EQ(units.size(), 6u);
  for (std::size_t u = 0; u < units.size(); ++u) {
    EXPECT_EQ(units[u].first, 3 * u);
    EXPECT_EQ(units[u].second, 3 * u + 3);
  }
}

TEST(SplitPlan, TrialsGoToTheWorkersInTurnAndKeepTheirInterleaving) {
  const Plan plan = fake_plan({"a", "b"}, 3, {0, 1, 2});
  const auto split = split_plan(plan, 2);
  ASSERT_EQ(split.size(), 2u);
  // Units 0, 2, 4 (a/1, a/3, b/2) to worker 0; 1, 3, 5 (a/2, b/1, b/3) to worker 1.
  EXPECT_EQ(split[0], (std::vector<std::size_t>{0, 1, 2, 6, 7, 8, 12, 13, 14}));
  EXPECT_EQ(split[1], (std::vector<std::size_t>{3, 4, 5, 9, 10, 11, 15, 16, 17}));
  for (const auto& items : split) {
    for (std::size_t k = 0; k < items.size(); k += 3) {  // CPU, CUDA, FP16 of one trial back to back
      EXPECT_EQ(plan.items[items[k]].backend_target.index, 0);
      EXPECT_EQ(plan.items[items[k + 1]].backend_target.index, 1);
      EXPECT_EQ(plan.items[items[k + 2]].backend_target.index, 2);
      EXPECT_EQ(plan.items[items[k]].trial, plan.items[items[k + 2]].trial);
    }
  }
  // Both workers measure both benchmarks: the report can compare the GPUs on the same models.
  for (const auto& items : split) {
    std::set<std::string> configs;
    for (auto i : items) configs.insert(plan.items[i].config_name);
    EXPECT_EQ(configs.size(), 2u);
  }
}

TEST(SplitPlan, OneWorkerRunsThePlanInOrderAndZeroIsRefused) {
  const Plan plan = fake_plan({"a"}, 2, {0, 1});
  const auto split = split_plan(plan, 1);
  ASSERT_EQ(split.size(), 1u);
  EXPECT_EQ(split[0], (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_THROW(split_plan(plan, 0), std::invalid_argument);
  // More workers than units: the extra ones get nothing.
  const auto wide = split_plan(plan, 4);
  EXPECT_EQ(wide[0].size(), 2u);
  EXPECT_EQ(wide[1].size(), 2u);
  EXPECT_TRUE(wide[2].empty() && wide[3].empty());
}

TEST(SplitPlan, RunNeedsACudaTargetForDeviceToMeanAnything) {
  const Plan cpu_only = fake_plan({"a"}, 1, {0});
  const std::string m = message_of([&] { devices_for_run("0", cpu_only, {gpu(0)}); });
  EXPECT_NE(m.find("--device 0"), std::string::npos) << m;
  EXPECT_NE(m.find("--backend-target 1"), std::string::npos) << m;
  const Plan with_cuda = fake_plan({"a"}, 1, {0, 1});
  EXPECT_EQ(devices_for_run("all", with_cuda, {gpu(0), gpu(1)}), (std::vector<int>{0, 1}));
  EXPECT_TRUE(devices_for_run("", with_cuda, {gpu(0)}).empty());
  EXPECT_THROW(devices_for_run("2", with_cuda, {gpu(0), gpu(1)}), ConfigError);
}

TEST(PlanOrder, RecordsArrivingOutOfOrderAreFiledInPlanOrder) {
  PlanOrder order;
  EXPECT_EQ(order.insert(3, 0), 0u);  // [3/0]
  EXPECT_EQ(order.insert(0, 0), 0u);  // [0/0 3/0]
  EXPECT_EQ(order.insert(3, 1), 2u);  // [0/0 3/0 3/1]
  EXPECT_EQ(order.insert(1, 0), 1u);  // [0/0 1/0 3/0 3/1]
  EXPECT_EQ(order.insert(0, 1), 1u);  // [0/0 0/1 1/0 3/0 3/1]
}

// ---- worker threads with fake devices ----

// A model that runs anywhere and remembers which threads ran it.
struct ThreadLog {
  std::mutex mutex;
  std::set<std::thread::id> infer_threads;
};

class ThreadModel final : public Model {
 public:
  explicit ThreadModel(ThreadLog& log) : m_log(log) {}
  void preprocess(const cv::Mat&, const cv::Mat&) override {}
  void infer() override {
    const std::lock_guard<std::mutex> lock(m_log.mutex);
    m_log.infer_threads.insert(std::this_thread::get_id());
  }
  void postprocess() override {}
  std::string result_summary() const override { return "thread model"; }

 private:
  ThreadLog& m_log;
};

// Plans `configs` fake benchmarks (each with 3 trials on CPU and CUDA) over one tiny image.
Plan runnable_plan(const Family& family, int configs) {
  const fs::path dir = test::scratch_dir();
  fs::create_directories(dir / "data");
  cv::imwrite((dir / "data" / "img.png").string(), cv::Mat(24, 32, CV_8UC3, cv::Scalar(1, 2, 3)));
  test::write_file(dir / "models" / "thread" / "thread.onnx", "stand-in: never read");
  PlanOptions options;
  options.models_dir = dir / "models";
  options.backend_targets = {0, 1};
  options.trials = 3;
  Plan plan;
  for (int c = 0; c < configs; ++c) {
    const fs::path yaml = test::write_file(dir / fmt::format("thread{}.yaml", c), fmt::format(R"(Benchmark:
  type: "Base"
  data:
    path: "{}"
    sizes: [[32, 24]]
  metric:
    warmup: 0
    repeat: 2
Model:
  name: "Thread"
)",
                                                                                         (dir / "data").string()));
    plan_benchmark(std::make_shared<const BenchmarkConfig>(load_config(yaml)), &family, options, plan);
  }
  return plan;
}

struct FakeDevice {
  std::mutex mutex;
  std::map<int, std::thread::id> bound;  // device -> thread that bound it
  std::map<int, int> binds;
};

std::vector<DeviceWorker> fake_workers(FakeDevice& fake, const std::vector<int>& indices, int refuse = -1) {
  std::vector<DeviceWorker> workers;
  for (const int index : indices) {
    DeviceWorker w;
    w.gpu.index = index;
    w.gpu.name = "Fake GPU";
    w.gpu.uuid = fmt::format("GPU-fake-{}", index);
    // Each read sees 64 MiB less free: a model set up between two reads "took" 64 MiB.
    auto free = std::make_shared<std::atomic<long long>>(1LL << 34);
    w.gpu.free_memory = [free] { return free->fetch_sub(64LL << 20); };
    w.bind = [&fake, index, refuse] {
      if (index == refuse) throw DeviceError(fmt::format("cannot use GPU {}: fake refusal", index));
      const std::lock_guard<std::mutex> lock(fake.mutex);
      fake.bound[index] = std::this_thread::get_id();
      ++fake.binds[index];
    };
    workers.push_back(std::move(w));
  }
  return workers;
}

// --device all draws the progress line too: each runnable item's start reaches the calling thread (the
// line is not thread-safe), before that item's records, once per item.
TEST(DeviceWorkers, EachItemsStartReachesTheCallingThreadBeforeItsRecordsForTheProgressLine) {
  ThreadLog log;
  const Family fam = family("Thread").folder("thread").task("test").files({"thread.onnx"}).model(
      [&log](const ModelContext&) -> std::unique_ptr<Model> { return std::make_unique<ThreadModel>(log); });
  const Plan plan = runnable_plan(fam, 2);
  FakeDevice fake;
  std::ostringstream drawn;
  std::set<std::thread::id> threads;
  std::vector<std::size_t> started;
  std::set<std::size_t> recorded_before_start;
  {
    ProgressLine progress(drawn, plan.items.size(), 200);
    run_on_workers(
        plan, split_plan(plan, 2), fake_workers(fake, {0, 1}),
        [&](PlacedRecord p) {
          threads.insert(std::this_thread::get_id());
          if (std::find(started.begin(), started.end(), p.item) == started.end()) recorded_before_start.insert(p.item);
          progress.clear();
        },
        [](const std::string&) {},
        [&](std::size_t item) {
          threads.insert(std::this_thread::get_id());
          started.push_back(item);
          progress.start({"c", plan.items[item].variant.file_list(), plan.items[item].backend_target.name});
        });
  }
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
  std::vector<std::size_t> sorted = started;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::size_t> every(plan.items.size());
  std::iota(every.begin(), every.end(), 0);
  EXPECT_EQ(sorted, every) << "each runnable item started once";
  EXPECT_TRUE(recorded_before_start.empty());
  EXPECT_NE(drawn.str().find("[1/12] c ['thread.onnx']"), std::string::npos) << drawn.str();
  EXPECT_NE(drawn.str().find("[12/12] c ['thread.onnx']"), std::string::npos) << drawn.str();
}

TEST(DeviceWorkers, OneThreadPerDeviceBoundOnceAndRecordsComeBackOnTheCallingThreadInPlanOrder) {
  ThreadLog log;
  const Family fam = family("Thread").folder("thread").task("test").files({"thread.onnx"}).model(
      [&log](const ModelContext&) -> std::unique_ptr<Model> { return std::make_unique<ThreadModel>(log); });
  const Plan plan = runnable_plan(fam, 2);
  ASSERT_EQ(plan.items.size(), 12u);  // 2 configs x 3 trials x (CPU, CUDA)
  FakeDevice fake;
  std::vector<PlacedRecord> placed;
  std::set<std::thread::id> callback_threads;
  PlanOrder order;
  std::vector<RunRecord> records;
  run_on_workers(plan, split_plan(plan, 2), fake_workers(fake, {0, 1}), [&](PlacedRecord p) {
    callback_threads.insert(std::this_thread::get_id());
    records.insert(records.begin() + static_cast<std::ptrdiff_t>(order.insert(p.item, p.seq)), p.record);
    placed.push_back(std::move(p));
  }, [](const std::string&) {});

  EXPECT_EQ(callback_threads, std::set<std::thread::id>{std::this_thread::get_id()}) << "one consumer: the caller";
  ASSERT_EQ(fake.bound.size(), 2u);
  EXPECT_EQ(fake.binds[0], 1);
  EXPECT_EQ(fake.binds[1], 1);
  EXPECT_NE(fake.bound[0], fake.bound[1]) << "each device its own thread";
  EXPECT_NE(fake.bound[0], std::this_thread::get_id());
  EXPECT_EQ(log.infer_threads, (std::set<std::thread::id>{fake.bound[0], fake.bound[1]}))
      << "every model ran on a device worker's thread";

  ASSERT_EQ(records.size(), 12u);
  const auto split = split_plan(plan, 2);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RunRecord& r = records[i];
    const PlanItem& item = plan.items[i];
    EXPECT_EQ(r.status, Status::Ok) << r.message;
    EXPECT_EQ(r.config, item.config_name);
    EXPECT_EQ(r.trial, item.trial);
    EXPECT_EQ(r.backend_target.index, item.backend_target.index) << "filed in plan order";
    if (!item.backend_target.is_cuda()) {
      EXPECT_FALSE(r.gpu) << "CPU records name no GPU";
      continue;
    }
    ASSERT_TRUE(r.gpu);
    const int expected = std::count(split[1].begin(), split[1].end(), i) > 0 ? 1 : 0;
    EXPECT_EQ(r.gpu->index, expected) << "the worker its unit was assigned to";
    EXPECT_EQ(r.gpu->uuid, fmt::format("GPU-fake-{}", expected));
    EXPECT_EQ(r.gpu->memory_taken, 64LL << 20);
    EXPECT_TRUE(r.gpu->memory_seen());
  }

  // The GPUs compared: both measured, and the same benchmark's CUDA medians side by side.
  const ResultSet set = aggregate(Environment{}, records, {}, "", tolerance_for_model, Intervals::Skip);
  ASSERT_EQ(set.gpu_comparison.gpus.size(), 2u);
  int cuda_records = 0;
  for (const auto& g : set.gpu_comparison.gpus) {
    EXPECT_EQ(g.failed, 0);
    EXPECT_EQ(g.memory_seen, g.ok);
    cuda_records += g.records;
  }
  EXPECT_EQ(cuda_records, 6);
  EXPECT_EQ(set.gpu_comparison.rows.size(), 2u) << "each config's CUDA row ran trials on both GPUs";
  for (const auto& row : set.rows) {
    if (row.backend_target.is_cuda()) EXPECT_EQ(row.gpus, (std::vector<int>{0, 1}));
    else EXPECT_TRUE(row.gpus.empty());
  }
  EXPECT_FALSE(gpu_table(set).empty());
  EXPECT_FALSE(gpu_row_table(set).empty());
}

TEST(DeviceWorkers, ARefusedDeviceTurnsItsItemsIntoFailedRecordsAndTheOtherWorkerGoesOn) {
  ThreadLog log;
  const Family fam = family("Thread").folder("thread").task("test").files({"thread.onnx"}).model(
      [&log](const ModelContext&) -> std::unique_ptr<Model> { return std::make_unique<ThreadModel>(log); });
  const Plan plan = runnable_plan(fam, 1);
  FakeDevice fake;
  std::vector<PlacedRecord> placed;
  run_on_workers(plan, split_plan(plan, 2), fake_workers(fake, {0, 1}, 1),
                 [&](PlacedRecord p) { placed.push_back(std::move(p)); }, [](const std::string&) {});
  ASSERT_EQ(placed.size(), plan.items.size()) << "nothing lost";
  const auto split = split_plan(plan, 2);
  for (const auto& p : placed) {
    const bool on_refused = std::count(split[1].begin(), split[1].end(), p.item) > 0;
    if (on_refused) {
      EXPECT_EQ(p.record.status, Status::Failed);
      EXPECT_NE(p.record.message.find("cannot use GPU 1: fake refusal"), std::string::npos) << p.record.message;
    } else {
      EXPECT_EQ(p.record.status, Status::Ok) << p.record.message;
    }
  }
}

TEST(DeviceWorkers, ACallbackThatThrowsStopsTheWorkersAndIsRethrown) {
  ThreadLog log;
  const Family fam = family("Thread").folder("thread").task("test").files({"thread.onnx"}).model(
      [&log](const ModelContext&) -> std::unique_ptr<Model> { return std::make_unique<ThreadModel>(log); });
  const Plan plan = runnable_plan(fam, 2);
  FakeDevice fake;
  EXPECT_THROW(run_on_workers(plan, split_plan(plan, 2), fake_workers(fake, {0, 1}),
                              [](PlacedRecord) { throw Error("disk full"); }, [](const std::string&) {}),
               Error);
}

// A model that, while it is built (where the Runner captures the log), takes a while and then writes a
// warning naming itself: overlapping captures on two workers would put two names in one record, or none.
class SlowLoggingModel final : public Model {
 public:
  explicit SlowLoggingModel(int id) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    std::fprintf(stderr, "[ WARN:0@0.000] model %d is being built\n", id);
    std::fflush(stderr);
  }
  void preprocess(const cv::Mat&, const cv::Mat&) override {}
  void infer() override {}
  void postprocess() override {}
  std::string result_summary() const override { return "slow logging model"; }
};

TEST(DeviceWorkers, CapturesOnTwoWorkersNeverOverlap) {
  std::atomic<int> built{0};
  const Family fam = family("Thread").folder("thread").task("test").files({"thread.onnx"}).model(
      [&built](const ModelContext&) -> std::unique_ptr<Model> { return std::make_unique<SlowLoggingModel>(++built); });
  const Plan plan = runnable_plan(fam, 2);
  FakeDevice fake;
  std::vector<RunRecord> records;
  run_on_workers(plan, split_plan(plan, 2), fake_workers(fake, {0, 1}),
                 [&](PlacedRecord p) { records.push_back(std::move(p.record)); }, [](const std::string&) {});
  ASSERT_EQ(records.size(), plan.items.size());
  std::set<std::string> seen;
  for (const auto& r : records) {
    ASSERT_EQ(r.opencv_messages.size(), 1u) << "one model built per record, so one line each";
    EXPECT_NE(r.opencv_messages[0].find("is being built"), std::string::npos) << r.opencv_messages[0];
    seen.insert(r.opencv_messages[0]);
  }
  EXPECT_EQ(seen.size(), records.size()) << "every record has its own model's line";
}

// Real nets on two workers at once: the MobileNet stand-in on CPU and on CUDA, which an OpenCV without
// CUDA runs on the CPU saying so in its log: each CUDA record shows its own fallback, no CPU record
// carries a CUDA record's log lines, and every record is measured.
TEST(DeviceWorkers, RealNetsOnTwoWorkersKeepEachItsOwnCapturedLog) {
  if (current_build_facts().cuda) GTEST_SKIP() << "needs an OpenCV without CUDA, where CUDA falls back visibly";
  const fs::path root = test::scratch_dir();
  const fs::path models = root / "models" / "image_classification_mobilenet";
  fs::create_directories(models);
  test::make_onnx(models / "image_classification_mobilenetv1_2022apr.onnx", {{"input", {1, 3, 224, 224}}},
                  {{"output", {1, 1000}}});
  fs::create_directories(root / "data" / "image_classification");
  cv::Mat image(300, 400, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  ASSERT_TRUE(cv::imwrite((root / "data" / "image_classification" / "noise.png").string(), image));
  PlanOptions options;
  options.models_dir = root / "models";
  options.data_dir = root / "data";
  options.backend_targets = {0, 1};
  options.trials = 4;
  options.warmup = 0;
  options.repeat = 2;
  options.precisions = {Precision::FP32};
  const Plan plan = make_plan({test::source_dir() / "configs" / "image_classification_mobilenet.yaml"}, options, true);
  ASSERT_EQ(plan.items.size(), 8u);
  FakeDevice fake;
  std::vector<RunRecord> records(plan.items.size());
  run_on_workers(plan, split_plan(plan, 2), fake_workers(fake, {0, 1}),
                 [&](PlacedRecord p) { records.at(p.item) = std::move(p.record); }, [](const std::string&) {});
  for (std::size_t i = 0; i < records.size(); ++i) {
    const RunRecord& r = records[i];
    ASSERT_EQ(r.status, Status::Ok) << i << ": " << r.message;
    std::string messages;
    for (const auto& m : r.opencv_messages) messages += m + "\n";
    if (r.backend_target.is_cuda()) {
      EXPECT_EQ(r.device.state, Placement::Fallback) << i << ": " << r.device.describe();
      EXPECT_TRUE(r.device.whole_net_on_cpu) << i << ": " << r.device.describe();
      ASSERT_TRUE(r.gpu);
    } else {
      EXPECT_EQ(messages.find("CUDA"), std::string::npos) << i << " (CPU) caught another worker's log:\n" << messages;
      EXPECT_FALSE(r.gpu);
    }
  }
}

// ---- doctor --device: one verdict per GPU, with a fake probe ----

ProbeResult fake_probe(int pair, int device, bool pass) {
  ProbeResult p;
  p.pair = backend_target_at(pair);
  p.device = device;
  p.ran = pass;
  if (!pass) {
    p.error = "no kernel image is available for execution on the device";
    return p;
  }
  p.max_abs_reference = 2.0;
  p.relative_tolerance = p.pair.fp16 ? 3e-2 : 1e-3;
  p.max_abs_diff = p.pair.fp16 ? 9e-4 : 4e-6;
  if (p.pair.fp16) p.max_abs_diff_vs_fp32 = 9e-4;
  p.device_bytes_used = 64 << 20;
  p.evidence.state = Placement::OnGpu;
  p.evidence.layers = 7;
  p.evidence.gpu_layers = 7;
  return p;
}

OpenCVBuildFacts cuda_facts() {
  OpenCVBuildFacts f;
  f.version = "4.10.0";
  f.cuda = true;
  f.cudnn = true;
  f.dnn_cuda_backend = true;
  f.arch_bin = {{9, 0}};
  return f;
}

TEST(DoctorPerGpu, EachSelectedGpuIsProbedOnceAndJudgedOnItsOwnProbes) {
  std::vector<int> probed;
  const auto probe = [&](int device) {
    probed.push_back(device);
    return std::vector<ProbeResult>{fake_probe(1, device, device == 0), fake_probe(2, device, device == 0)};
  };
  const DoctorReport r = doctor_with(cuda_facts(), {gpu(0), gpu(1)}, std::string("13.0"), {0, 1}, probe);
  EXPECT_EQ(probed, (std::vector<int>{0, 1}));
  ASSERT_EQ(r.gpu_verdicts.size(), 2u);
  EXPECT_EQ(r.gpu_verdicts[0].index, 0);
  EXPECT_TRUE(r.gpu_verdicts[0].usable);
  EXPECT_EQ(r.gpu_verdicts[0].uuid, gpu(0).uuid);
  EXPECT_FALSE(r.gpu_verdicts[1].usable);
  ASSERT_EQ(r.gpu_verdicts[1].problems.size(), 2u);  // CUDA and CUDA_FP16 probes failed there
  for (const auto& p : r.gpu_verdicts[1].problems) EXPECT_EQ(p.rfind("GPU 1: ", 0), 0u) << p;
  EXPECT_FALSE(r.cuda_usable()) << "one bad GPU fails the doctor";
  std::ostringstream text;
  print_doctor(r, text);
  EXPECT_NE(text.str().find("GPU 0 (NVIDIA H200, GPU-00000000-0000-0000-0000-000000000000): usable"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("GPU 1 (NVIDIA H200, GPU-00000001-0000-0000-0000-000000000000): NOT usable"),
            std::string::npos)
      << text.str();
  const auto j = nlohmann::json::parse(doctor_json(r));
  EXPECT_EQ(j.at("gpu_verdicts").size(), 2u);
  EXPECT_EQ(j.at("gpu_verdicts").at(1).at("usable"), false);
  EXPECT_EQ(j.at("probes").at(2).at("device"), 1);
}

TEST(DoctorPerGpu, TwoHealthyGpusGiveTwoUsableVerdicts) {
  const auto probe = [](int device) {
    return std::vector<ProbeResult>{fake_probe(1, device, true), fake_probe(2, device, true)};
  };
  const DoctorReport r = doctor_with(cuda_facts(), {gpu(0), gpu(1)}, std::string("13.0"), {0, 1}, probe);
  ASSERT_EQ(r.gpu_verdicts.size(), 2u);
  EXPECT_TRUE(r.gpu_verdicts[0].usable && r.gpu_verdicts[1].usable);
  EXPECT_TRUE(r.cuda_usable());
}

TEST(DoctorPerGpu, OnlyTheChosenGpusProblemsCount) {
  // GPU 0 is a Maxwell card the build has no kernels for; `doctor --device 1` judges GPU 1 only.
  std::vector<CudaDevice> devices = {gpu(0, "GeForce GTX 980"), gpu(1)};
  devices[0].compute_capability = {5, 2};
  devices[0].opencv_fp16 = false;
  const auto probe = [](int device) {
    return std::vector<ProbeResult>{fake_probe(1, device, true), fake_probe(2, device, true)};
  };
  const DoctorReport one = doctor_with(cuda_facts(), devices, std::nullopt, {1}, probe);
  ASSERT_EQ(one.gpu_verdicts.size(), 1u);
  EXPECT_TRUE(one.gpu_verdicts[0].usable);
  EXPECT_TRUE(one.cuda_usable());
  const DoctorReport all = doctor_with(cuda_facts(), devices, std::nullopt, {0, 1}, probe);
  ASSERT_EQ(all.gpu_verdicts.size(), 2u);
  EXPECT_FALSE(all.gpu_verdicts[0].usable) << "no sm_52 kernels and no fast FP16";
  EXPECT_GE(all.gpu_verdicts[0].problems.size(), 2u);
  EXPECT_TRUE(all.gpu_verdicts[1].usable);
}

TEST(DoctorPerGpu, ABuildWithoutCudaFailsEveryGpuWithoutProbing) {
  OpenCVBuildFacts facts = cuda_facts();
  facts.cuda = false;
  int calls = 0;
  const DoctorReport r = doctor_with(facts, {gpu(0), gpu(1)}, std::nullopt, {0, 1}, [&](int) {
    ++calls;
    return std::vector<ProbeResult>{};
  });
  EXPECT_EQ(calls, 0);
  ASSERT_EQ(r.gpu_verdicts.size(), 2u);
  for (const auto& v : r.gpu_verdicts) {
    EXPECT_FALSE(v.usable);
    ASSERT_FALSE(v.problems.empty());
    EXPECT_NE(v.problems[0].find("without CUDA"), std::string::npos) << v.problems[0];
  }
}

TEST(DoctorPerGpu, WithoutDeviceTheDefaultDeviceIsProbedAndNoPerGpuVerdictIsGiven) {
  std::vector<int> probed;
  const DoctorReport r = doctor_with(cuda_facts(), {gpu(0)}, std::nullopt, {}, [&](int device) {
    probed.push_back(device);
    return std::vector<ProbeResult>{fake_probe(1, device, true), fake_probe(2, device, true)};
  });
  EXPECT_EQ(probed, std::vector<int>{0});
  EXPECT_TRUE(r.gpu_verdicts.empty());
  EXPECT_TRUE(r.cuda_usable());
}

// ---- results files keep the GPU ----

TEST(GpuRecords, TheGpuOfARecordSurvivesTheResultsFile) {
  RunRecord r;
  r.config = "c.yaml";
  r.model = "YuNet";
  r.precision = "fp32";
  r.file_list = "['a.onnx']";
  r.backend_target = backend_target_at(1);
  r.input_size = {160, 120};
  r.samples.total = r.samples.preprocess = r.samples.infer = r.samples.postprocess = {1.0, 2.0};
  r.gpu = RunRecord::GpuUse{1, "NVIDIA H200", "GPU-00000001-0000-0000-0000-000000000000", 123456};
  Environment env;
  env.gpus = {gpu(0), gpu(1)};
  const ResultSet set = aggregate(env, {r}, {}, "", tolerance_for_model, Intervals::Skip);
  const fs::path file = test::scratch_dir() / "gpu.json";
  test::write_file(file, results_json(set, true).dump(2));
  const StoredResults stored = read_results_file(file);
  ASSERT_EQ(stored.records.size(), 1u);
  ASSERT_TRUE(stored.records[0].gpu);
  EXPECT_EQ(stored.records[0].gpu->index, 1);
  EXPECT_EQ(stored.records[0].gpu->uuid, r.gpu->uuid);
  EXPECT_EQ(stored.records[0].gpu->memory_taken, 123456);
  ASSERT_EQ(stored.environment.gpus.size(), 2u);
  EXPECT_EQ(stored.environment.gpus[1].uuid, gpu(1).uuid);
  const auto j = results_json(set, true);
  EXPECT_EQ(j.at("rows").at(0).at("gpu"), nlohmann::json::array({1}));
  EXPECT_EQ(j.at("gpu_comparison").at("gpus").at(0).at("uuid"), r.gpu->uuid);
}

// ---- --require-cuda: memory must be seen taken on the row's GPU ----

RunRecord verified_record(int pair, long long memory_taken) {
  RunRecord r;
  r.config = "fake.yaml";
  r.model = "Fake";
  r.precision = "fp32";
  r.file_list = "['fake.onnx']";
  r.backend_target = backend_target_at(pair);
  r.input_size = {64, 48};
  r.samples.total = r.samples.infer = {5, 5, 5};
  if (r.backend_target.placement_checked) {
    r.device.state = Placement::OnGpu;
    r.device.layers = r.device.gpu_layers = 4;
  }
  if (r.backend_target.is_cuda()) r.gpu = RunRecord::GpuUse{1, "NVIDIA H200", "GPU-1", memory_taken};
  return r;
}

std::vector<std::string> require_cuda(long long memory_taken) {
  return cuda_requirement_failures(aggregate(Environment{}, {verified_record(0, 0), verified_record(1, memory_taken)},
                                             {}, "", tolerance_for_model, Intervals::Skip));
}

TEST(GpuRecords, RequireCudaFailsAVerifiedRowThatTookNoMemoryOnItsGpu) {
  const auto none = require_cuda(0);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_NE(none[0].find("took no memory on GPU 1 (NVIDIA H200)"), std::string::npos) << none[0];
  EXPECT_TRUE(require_cuda(64 << 20).empty()) << "memory seen taken: passes";
  EXPECT_TRUE(require_cuda(-1).empty()) << "not measurable: the placement evidence decides alone";
}

// ---- the command line on this machine ----

TEST(DeviceCli, MalformedDeviceIsAUsageErrorForRunsAndTheDoctor) {
  for (const std::string args : {"--all --backend-target 1 --device x", "doctor --device x"}) {
    const auto result = test::run_zoo_bench(args + "");
    EXPECT_EQ(result.exit_code, kExitUsage) << args << "\n" << result.output;
    EXPECT_NE(result.output.find("--device 'x'"), std::string::npos) << result.output;
  }
}

TEST(DeviceCli, DeviceWithoutACudaTargetIsAOneLineUsageError) {
  const fs::path config = test::source_dir() / "configs" / "face_detection_yunet.yaml";
  const auto result = test::run_zoo_bench(fmt::format("-c '{}' --backend-target 0 --device 0", config.string()));
  EXPECT_EQ(result.exit_code, kExitUsage) << result.output;
  EXPECT_NE(result.output.find("zoo-bench: error: --device 0 chooses the GPU"), std::string::npos) << result.output;
}

TEST(DeviceCli, ADeviceThatDoesNotExistIsAOneLineUsageErrorBeforeAnythingRuns) {
  // Whatever this machine has (CI: no GPU), index 99 does not exist.
  const fs::path config = test::source_dir() / "configs" / "face_detection_yunet.yaml";
  const fs::path json = test::scratch_dir() / "never.json";
  const auto result = test::run_zoo_bench(
      fmt::format("-c '{}' --backend-target 1 --device 99 --json '{}'", config.string(), json.string()));
  EXPECT_EQ(result.exit_code, kExitUsage) << result.output;
  EXPECT_NE(result.output.find("zoo-bench: error: --device 99: "), std::string::npos) << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << "one line:\n" << result.output;
  EXPECT_FALSE(fs::exists(json)) << "nothing written before the check";
}

}  // namespace
}  // namespace zoobench
