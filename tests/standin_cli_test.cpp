// End-to-end tests of the zoo-bench binary that need nothing from ../shared: a generated MobileNet
// stand-in (random weights, the real input/output shapes, so the real load + forward + top-K path
// runs), the shipped MobileNet config and a generated image. They cover trials, the CPU baseline the
// plan adds, CUDA on an OpenCV without CUDA (falls back: no speed-up, --require-cuda exits 4),
// --no-cpu-baseline, --dry-run and --baseline FILE.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/device/device.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::CommandResult;
using test::run_zoo_bench;

constexpr const char* kModelFile = "image_classification_mobilenetv1_2022apr.onnx";
constexpr const char* kModel = "MobileNet ['image_classification_mobilenetv1_2022apr.onnx']";

using Workspace = test::ClassifierWorkspace;

Workspace make_workspace() { return test::classifier_workspace({{test::classifier_standin(), kModelFile}}); }

json read_json(const fs::path& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << file << " was not written";
  return json::parse(in);
}

std::vector<int> record_pairs(const json& j) {
  std::vector<int> pairs;
  for (const auto& r : j.at("records")) pairs.push_back(r.at("backend_target").at("index").get<int>());
  return pairs;
}

bool have_cuda() { return current_build_facts().cuda; }

// A text table's line split at runs of two or more spaces (cells hold single spaces only).
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (start < line.size()) {
    const std::size_t gap = line.find("  ", start);
    cells.push_back(line.substr(start, gap == std::string::npos ? std::string::npos : gap - start));
    if (gap == std::string::npos) break;
    start = line.find_first_not_of(' ', gap);
  }
  return cells;
}

TEST(StandInCli, CpuRunWithTwoTrials) {
  const Workspace w = make_workspace();
  const fs::path out = w.root / "out.json";
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 0 --trials 2 --warmup 1 --repeat 3 --json '" +
                               out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(fmt::format("MobileNet with ['{}'] on CPU (trial 2/2)", kModelFile)), std::string::npos)
      << r.output;
  const json j = read_json(out);
  ASSERT_EQ(j.at("rows").size(), 1u);
  const json& row = j.at("rows").at(0);
  EXPECT_EQ(row.at("trials"), 2);
  EXPECT_EQ(row.at("n"), 6);  // 2 trials x 1 image x 3 repeats
  EXPECT_EQ(row.at("trial_medians_ms").size(), 2u);
  EXPECT_EQ(row.at("input_size"), json::parse("[224, 224]"));
  EXPECT_EQ(row.at("status"), "ok");
  EXPECT_TRUE(row.at("stable").is_null()) << "3 samples per trial are too few to judge stability (6 needed)";
  ASSERT_EQ(j.at("records").size(), 2u);
  for (int t = 0; t < 2; ++t) {
    const json& rec = j.at("records").at(static_cast<std::size_t>(t));
    EXPECT_EQ(rec.at("trial"), t + 1);
    EXPECT_EQ(rec.at("trials"), 2);
    EXPECT_EQ(rec.at("samples_ms").at("total").size(), 3u);
    ASSERT_EQ(rec.at("answers").size(), 1u);
    EXPECT_EQ(rec.at("answers").at(0).at("classes").size(), 5u);  // top 5 kept for agreement (topK is 1)
  }
  // The console table says the same.
  EXPECT_NE(r.output.find("2/2  6"), std::string::npos) << r.output;

  // With 6 samples per trial the two trials can be judged: a verdict, true or false.
  const fs::path judged = w.root / "judged.json";
  const auto again = run_zoo_bench("--all " + w.dirs() + " --backend-target 0 --trials 2 --warmup 1 --repeat 6 --json '" +
                                   judged.string() + "'");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(read_json(judged).at("rows").at(0).at("stable").is_boolean()) << read_json(judged).at("rows").at(0);
}

TEST(StandInCli, CudaWithoutCudaInOpenCvFallsBackWithCpuBaselineAndNoSpeedUp) {
  if (have_cuda()) GTEST_SKIP() << "this OpenCV has CUDA: the CUDA row would really run";
  const Workspace w = make_workspace();
  const fs::path out = w.root / "out.json";
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --warmup 0 --repeat 2 --json '" +
                               out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("CPU FALLBACK: whole net on CPU"), std::string::npos) << r.output;
  const json j = read_json(out);
  // Two pairs (the CPU added for the speed-up, then CUDA), 3 trials by default, interleaved.
  EXPECT_EQ(record_pairs(j), (std::vector<int>{0, 1, 0, 1, 0, 1}));
  ASSERT_EQ(j.at("rows").size(), 2u);
  const json& cpu = j.at("rows").at(0);
  const json& cuda = j.at("rows").at(1);
  EXPECT_EQ(cpu.at("backend_target"), 0);
  EXPECT_EQ(cpu.at("trials"), 3);
  EXPECT_EQ(cuda.at("backend_target"), 1);
  EXPECT_EQ(cuda.at("placement"), "fallback");
  EXPECT_TRUE(cuda.at("speedup_vs_cpu").is_null()) << cuda;
  EXPECT_TRUE(cuda.at("speedup_ci95").is_null()) << cuda;
  EXPECT_EQ(cuda.at("answer_vs_cpu"), "same") << "the same CPU code ran both";
  EXPECT_EQ(j.at("records").at(1).at("device").at("whole_net_on_cpu"), true);
  // The comparison table names the fallback in the speed-up column rather than a number.
  const auto gpu_vs_cpu = r.output.find("GPU vs CPU");
  ASSERT_NE(gpu_vs_cpu, std::string::npos) << r.output;
  const std::string comparison = r.output.substr(gpu_vs_cpu);
  EXPECT_NE(comparison.find("CPU FALLBACK  FALLBACK whole net"), std::string::npos) << comparison;
  EXPECT_EQ(comparison.find("x ("), std::string::npos) << "no speed-up may be shown: " << comparison;
}

// The mission's own command: the GPU-vs-CPU table is the result table and the output ends with it; the
// wide per-row table only on request.
TEST(StandInCli, TheUsersCommandEndsWithTheGpuVsCpuTableAndTheWideTableIsOnRequest) {
  if (have_cuda()) GTEST_SKIP() << "this OpenCV has CUDA: the CUDA row would really run";
  const Workspace w = make_workspace();
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 2 --trials 1 --warmup 0 --repeat 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto table = r.output.find("\nGPU vs CPU (");
  ASSERT_NE(table, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\nResults (median"), std::string::npos) << r.output;
  // Nothing but the table's own lines after its title.
  const std::string rest = r.output.substr(table + 1);
  EXPECT_EQ(std::count(rest.begin(), rest.end(), '\n'), 3) << rest;  // title, header, one benchmark
  EXPECT_NE(rest.find("CUDA_FP16 speed-up (95% CI)  CUDA_FP16 placement  CUDA_FP16 answer"), std::string::npos) << rest;

  const auto wide = run_zoo_bench("--all " + w.dirs() + " --backend-target 2 --trials 1 --warmup 0 --repeat 1 "
                                  "--table wide");
  ASSERT_EQ(wide.exit_code, 0) << wide.output;
  const auto rows = wide.output.find("\nResults (median");
  ASSERT_NE(rows, std::string::npos) << wide.output;
  EXPECT_GT(wide.output.find("\nGPU vs CPU ("), rows) << wide.output;
  const auto bad = run_zoo_bench("--all " + w.dirs() + " --table narrow");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

TEST(StandInCli, RequireCudaExits4WhenCudaFallsBack) {
  if (have_cuda()) GTEST_SKIP() << "this OpenCV has CUDA: the CUDA row would really run";
  const Workspace w = make_workspace();
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --trials 1 --warmup 0 --repeat 1 "
                               "--require-cuda");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find(fmt::format("zoo-bench: --require-cuda: {} [224, 224] on CUDA: CPU FALLBACK: whole net on CPU",
                                      kModel)),
            std::string::npos)
      << r.output;
}

TEST(StandInCli, NoCpuBaselineMeasuresOnlyTheSelectedPair) {
  const Workspace w = make_workspace();
  const fs::path out = w.root / "out.json";
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --no-cpu-baseline --warmup 0 --repeat 1 "
                               "--json '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = read_json(out);
  EXPECT_EQ(record_pairs(j), (std::vector<int>{1, 1, 1})) << "an accelerator: 3 trials by default, and no CPU";
  ASSERT_EQ(j.at("rows").size(), 1u);
  EXPECT_EQ(j.at("rows").at(0).at("backend_target"), 1);
  EXPECT_EQ(j.at("rows").at(0).at("trials"), 3);
  EXPECT_TRUE(j.at("rows").at(0).at("speedup_vs_cpu").is_null());
  EXPECT_TRUE(j.at("rows").at(0).at("answer_vs_cpu").is_null());
  EXPECT_EQ(r.output.find("'] on CPU"), std::string::npos) << "no CPU measurement row: " << r.output;
}

TEST(StandInCli, DryRunPrintsThePlanAndRunsNothing) {
  const Workspace w = make_workspace();
  const fs::path out = w.root / "out.json";
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --warmup 0 --repeat 2 --dry-run --json '" +
                               out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(out)) << "a dry run writes no results";
  EXPECT_EQ(r.output.find("Results ("), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("mean       median"), std::string::npos) << "no measurement rows: " << r.output;
  std::vector<std::string> lines;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 7u) << r.output;  // the header and 2 pairs x 3 trials
  EXPECT_EQ(lines[0].rfind("#  config", 0), 0u) << lines[0];
  const char* expected[][2] = {{"CPU (baseline)", "1/3"}, {"CUDA", "1/3"}, {"CPU (baseline)", "2/3"},
                               {"CUDA", "2/3"},           {"CPU (baseline)", "3/3"}, {"CUDA", "3/3"}};
  for (std::size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE(lines[i + 1]);
    EXPECT_EQ(cells_of(lines[i + 1]),
              (std::vector<std::string>{std::to_string(i + 1), "image_classification_mobilenet.yaml", "MobileNet",
                                        fmt::format("['{}']", kModelFile), expected[i][0], expected[i][1],
                                        "[224, 224]", "0", "2", "runs"}));
  }
}

TEST(StandInCli, BaselineFileGivesTheAcceleratorRowsASpeedUpVsBaselineFile) {
  const Workspace w = make_workspace();
  const fs::path cpu_json = w.root / "cpu.json";
  const auto cpu = run_zoo_bench("--all " + w.dirs() + " --backend-target 0 --trials 2 --warmup 1 --repeat 3 --json '" +
                                 cpu_json.string() + "'");
  ASSERT_EQ(cpu.exit_code, 0) << cpu.output;

  // CUDA: where OpenCV has it the row is verified and gets a speed-up against the file's CPU rows; here
  // it falls back to the CPU, so it gets none, but its answer is still compared with the file's.
  const int pair = 1;
  const fs::path gpu_json = w.root / "gpu.json";
  const auto r = run_zoo_bench(fmt::format("--all {} --backend-target {} --trials 1 --warmup 1 --repeat 3 --baseline "
                                           "'{}' --json '{}'",
                                           w.dirs(), pair, cpu_json.string(), gpu_json.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = read_json(gpu_json);
  EXPECT_EQ(record_pairs(j), (std::vector<int>{pair})) << "the CPU is read from the file, not measured again";
  EXPECT_EQ(j.at("baseline_file"), cpu_json.string());
  ASSERT_EQ(j.at("rows").size(), 2u);
  const json& accel = j.at("rows").at(0);
  const json& baseline = j.at("rows").at(1);
  EXPECT_EQ(accel.at("backend_target"), pair);
  EXPECT_EQ(accel.at("answer_vs_cpu"), "same") << "compared with the answers stored in the file";
  if (have_cuda()) {
    ASSERT_TRUE(accel.at("speedup_vs_cpu").is_number()) << accel;
    EXPECT_NE(r.output.find("vs baseline file"), std::string::npos) << r.output;
  } else {
    EXPECT_TRUE(accel.at("speedup_vs_cpu").is_null()) << "a fallen-back row gets no speed-up: " << accel;
    EXPECT_EQ(accel.at("placement"), "fallback");
  }
  EXPECT_EQ(baseline.at("backend_target"), 0);
  EXPECT_EQ(baseline.at("source"), "baseline file");
  EXPECT_EQ(baseline.at("trials"), 2) << "the file's two CPU trials";
  EXPECT_EQ(baseline.at("median_ms"), read_json(cpu_json).at("rows").at(0).at("median_ms"))
      << "the baseline row is recomputed from the file's samples";
  // The side-by-side table marks the CPU median read from the file.
  const auto table = r.output.find("\nGPU vs CPU (");
  ASSERT_NE(table, std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" (file)", table), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CUDA speed-up (95% CI)"), std::string::npos) << r.output;
}

TEST(StandInCli, BaselineWithTheCpuAlsoSelectedIsRefused) {
  const Workspace w = make_workspace();
  const fs::path file = w.root / "cpu.json";
  std::ofstream(file) << "{}";  // refused before it is read
  const auto r = run_zoo_bench(fmt::format("--all {} --backend-target 0,1 --baseline '{}'", w.dirs(), file.string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("leave 0 out of --backend-target"), std::string::npos) << r.output;
}

TEST(StandInCli, BaselineFromAnotherHostIsRefused) {
  const Workspace w = make_workspace();
  const fs::path cpu_json = w.root / "cpu.json";
  const auto cpu = run_zoo_bench("--all " + w.dirs() + " --backend-target 0 --warmup 0 --repeat 2 --json '" +
                                 cpu_json.string() + "'");
  ASSERT_EQ(cpu.exit_code, 0) << cpu.output;
  json j = read_json(cpu_json);
  j["environment"]["host"] = "elsewhere";
  const fs::path other = w.root / "other_host.json";
  std::ofstream(other) << j.dump(2);

  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --warmup 0 --repeat 1 --baseline '" +
                               other.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(fmt::format("zoo-bench: error: {}: measured on host 'elsewhere'", other.string())),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("a CPU baseline must come from the same machine"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Results ("), std::string::npos) << "refused before measuring: " << r.output;
}

TEST(StandInCli, UnwritableResultsFileExits2BeforeMeasuring) {
  const Workspace w = make_workspace();
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 0 --trials 1 --warmup 0 --repeat 1 "
                               "--json /nonexistent-dir/x.json");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("zoo-bench: error: /nonexistent-dir/x.json: cannot write results file"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("MobileNet with"), std::string::npos) << "nothing may be measured: " << r.output;
  EXPECT_EQ(r.output.find("Results ("), std::string::npos) << r.output;
}

// A CPU baseline written by this machine, edited by `edit`, given to a CUDA run: refused with exit 2.
CommandResult run_with_edited_baseline(const Workspace& w, const std::function<void(json&)>& edit) {
  const fs::path cpu_json = w.root / "cpu.json";
  const auto cpu = run_zoo_bench("--all " + w.dirs() + " --backend-target 0 --warmup 0 --repeat 2 --json '" +
                                 cpu_json.string() + "'");
  EXPECT_EQ(cpu.exit_code, 0) << cpu.output;
  json j = read_json(cpu_json);
  EXPECT_EQ(j.at("complete"), true);
  edit(j);
  const fs::path edited = w.root / "edited.json";
  std::ofstream(edited) << j.dump(2);
  return run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --warmup 0 --repeat 1 --baseline '" +
                       edited.string() + "'");
}

TEST(StandInCli, BaselineWithOtherOpenCvThreadsIsRefused) {
  const Workspace w = make_workspace();
  int threads = 0;
  const auto r = run_with_edited_baseline(w, [&](json& j) {
    threads = j.at("environment").at("opencv_threads").get<int>() + 7;
    j["environment"]["opencv_threads"] = threads;
  });
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const std::string edited = (w.root / "edited.json").string();
  EXPECT_NE(r.output.find(fmt::format("zoo-bench: error: {}: measured with OpenCV", edited)), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(fmt::format("on {} threads, this is OpenCV", threads)), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("the CPU numbers would not compare"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Results ("), std::string::npos) << "refused before measuring: " << r.output;
}

TEST(StandInCli, BaselineFromAnUnfinishedRunIsRefused) {
  const Workspace w = make_workspace();
  const auto r = run_with_edited_baseline(w, [](json& j) { j["complete"] = false; });
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(fmt::format("zoo-bench: error: {}: the run that wrote it did not finish (complete: false)",
                                      (w.root / "edited.json").string())),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("Results ("), std::string::npos) << "refused before measuring: " << r.output;
}

TEST(StandInCli, BaselineWithoutCpuRowsIsRefused) {
  const Workspace w = make_workspace();
  const fs::path gpu_json = w.root / "gpu_only.json";
  const auto gpu = run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --no-cpu-baseline --warmup 0 --repeat 1 "
                                 "--json '" + gpu_json.string() + "'");
  ASSERT_EQ(gpu.exit_code, 0) << gpu.output;
  const auto r = run_zoo_bench("--all " + w.dirs() + " --backend-target 1 --baseline '" + gpu_json.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(gpu_json.string() + ": holds no measured CPU rows"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace zoobench
