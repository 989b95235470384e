// `zoo-bench profile` end to end on the CPU with a generated stand-in (needs nothing from ../shared): the
// real load, cut-point forwards, getPerfProfile validation, JSON of every layer, the CUPTI column when
// no CUDA target is chosen, `--profile` after a run, and the usage errors.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/device/device.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kModelFile = "image_classification_mobilenetv1_2022apr.onnx";

struct Workspace {
  fs::path root;
  std::string dirs;
};

Workspace make_workspace() {
  Workspace w;
  w.root = test::scratch_dir();
  const fs::path configs = w.root / "configs", models = w.root / "models", data = w.root / "data";
  fs::create_directories(configs);
  fs::copy_file(test::source_dir() / "configs" / "image_classification_mobilenet.yaml",
                configs / "image_classification_mobilenet.yaml");
  fs::create_directories(models / "image_classification_mobilenet");
  fs::copy_file(test::classifier_standin(), models / "image_classification_mobilenet" / kModelFile);
  fs::create_directories(data / "image_classification");
  cv::Mat image(300, 400, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  EXPECT_TRUE(cv::imwrite((data / "image_classification" / "noise.png").string(), image));
  w.dirs = fmt::format("--configs-dir '{}' --models-dir '{}' --data-dir '{}'", configs.string(), models.string(),
                       data.string());
  return w;
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << file << " was not written";
  return json::parse(in);
}

TEST(ProfileCli, CpuProfileOfAStandIn) {
  const Workspace w = make_workspace();
  const fs::path out = w.root / "profile.json";
  const auto r = test::run_zoo_bench(fmt::format("profile --all {} --backend-target 0 --repeats 3 --json '{}'",
                                                 w.dirs, out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Cold start (cold process):"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Host time per layer (OpenCV's layer timer"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Check (layer timer): per forward"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Check (cut method): segments add up"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("CUDA context creation"), std::string::npos) << "a CPU profile has no CUDA line";
  EXPECT_NE(r.output.find("Costliest segments"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Time by layer type"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Validation against getPerfProfile"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("GPU activity: not recorded"), std::string::npos) << r.output;

  const json j = read_json(out);
  ASSERT_EQ(j.at("profiles").size(), 1u);
  const json& p = j.at("profiles")[0];
  EXPECT_EQ(p.at("status"), "ok");
  EXPECT_EQ(p.at("backend_target").at("name"), "CPU");
  EXPECT_FALSE(p.at("gpu_activity").at("recorded").get<bool>());
  EXPECT_GT(p.at("cold_start").at("load_ms").get<double>(), 0.0);
  EXPECT_GT(p.at("cold_start").at("first_forward_ms").get<double>(), 0.0);
  EXPECT_EQ(p.at("steady_forward_ms").size(), 3u);
  ASSERT_EQ(p.at("nets").size(), 1u);
  const json& net = p.at("nets")[0];
  // Conv, GlobalAveragePool, Flatten, Gemm, Reshape: every layer a cut point, in execution order.
  const auto& layers = net.at("layers");
  ASSERT_GE(layers.size(), 4u);
  EXPECT_EQ(net.at("segments").size(), layers.size());
  EXPECT_EQ(net.at("cuts").size(), layers.size());
  EXPECT_EQ(layers[0].at("type"), "Convolution");
  // --repeats 3 at 2 per visit: the minimum of 2 sweeps (one each way), 2 timed forwards per visit.
  EXPECT_EQ(net.at("sweeps").get<std::size_t>(), 2u);
  EXPECT_EQ(p.at("settings").at("per_visit").get<int>(), 2);
  for (const auto& cut : net.at("cuts")) EXPECT_EQ(cut.at("samples_ms").size(), 4u);
  EXPECT_EQ(net.at("whole_forward_ms").size(), 8u);  // 2 per visit, both ends of both sweeps
  EXPECT_FALSE(p.at("cold_start").at("warm_process").get<bool>());
  EXPECT_TRUE(p.at("cold_start").at("cuda_context_ms").is_null());

  // The layer timer: every layer, every forward paired with its own wall time, the medians of those.
  const json& timer = net.at("layer_timer");
  EXPECT_TRUE(timer.at("unavailable").get<std::string>().empty()) << timer.at("unavailable");
  const auto& raw = timer.at("forwards_raw");
  ASSERT_EQ(raw.size(), 3u);
  EXPECT_EQ(timer.at("forwards").get<std::size_t>(), 3u);
  std::vector<double> sums, gaps;
  for (const auto& f : raw) {
    const auto layer_ms = f.at("layer_ms").get<std::vector<double>>();
    ASSERT_EQ(layer_ms.size(), layers.size());
    double sum = 0;
    for (double v : layer_ms) sum += v;
    sums.push_back(sum);
    gaps.push_back(f.at("wall_ms").get<double>() - sum);
  }
  std::sort(sums.begin(), sums.end());
  std::sort(gaps.begin(), gaps.end());
  EXPECT_DOUBLE_EQ(timer.at("sum_ms").get<double>(), sums[1]);
  EXPECT_DOUBLE_EQ(timer.at("gap_ms").get<double>(), gaps[1]);
  EXPECT_GT(timer.at("sum_ms").get<double>(), 0.0);
  EXPECT_EQ(timer.at("within").get<bool>(),
            std::abs(timer.at("relative_gap").get<double>()) <= timer.at("tolerance").get<double>());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    std::vector<double> samples;
    for (const auto& f : raw) samples.push_back(f.at("layer_ms")[l].get<double>());
    std::sort(samples.begin(), samples.end());
    EXPECT_DOUBLE_EQ(layers[l].at("getperfprofile_ms").get<double>(), samples[1]) << l;
  }
  for (const auto& l : layers) {
    EXPECT_FALSE(l.at("fallback").get<bool>());
    EXPECT_TRUE(l.contains("getperfprofile_ms"));  // the CPU's ground truth, per layer
  }
  double sum = 0;
  for (const auto& s : net.at("segments")) sum += s.at("ms").get<double>();
  EXPECT_NEAR(sum, net.at("segments").back().at("cut_ms").get<double>(), 1e-9);  // telescoping
  ASSERT_FALSE(net.at("sum_check").is_null());
  EXPECT_NEAR(net.at("sum_check").at("sum_ms").get<double>(), sum, 1e-9);
  EXPECT_GT(net.at("sum_check").at("whole_ms").get<double>(), 0.0);
  ASSERT_FALSE(net.at("validation").is_null());
  EXPECT_EQ(net.at("validation").at("segments").get<std::size_t>(), layers.size());
  EXPECT_GE(net.at("validation").at("rank_correlation").get<double>(), -1.0);
  EXPECT_LE(net.at("validation").at("rank_correlation").get<double>(), 1.0);
  EXPECT_EQ(j.at("environment").at("opencv_version"), CV_VERSION);
}

TEST(ProfileCli, CpuClockAndMinimum) {
  const Workspace w = make_workspace();
  const fs::path out = w.root / "cpu_clock.json";
  const auto r = test::run_zoo_bench(fmt::format(
      "profile --all {} --backend-target 0 --repeats 2 --clock cpu --estimator min --json '{}'", w.dirs, out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json p = read_json(out).at("profiles")[0];
  EXPECT_EQ(p.at("settings").at("clock"), "process_cpu");
  EXPECT_EQ(p.at("settings").at("estimator"), "min");
  const json net = p.at("nets")[0];
  // With the minimum, each segment's cut value is its smallest sample.
  const auto& segments = net.at("segments");
  const auto& cuts = net.at("cuts");
  ASSERT_EQ(segments.size(), cuts.size());
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const auto samples = cuts[i].at("samples_ms").get<std::vector<double>>();
    EXPECT_DOUBLE_EQ(segments[i].at("cut_ms").get<double>(), *std::min_element(samples.begin(), samples.end()));
  }
}

TEST(ProfileCli, MaxLayersGroupsConsecutiveLayers) {
  const Workspace w = make_workspace();
  const fs::path out = w.root / "grouped.json";
  const auto r = test::run_zoo_bench(fmt::format(
      "profile --all {} --backend-target 0 --repeats 2 --max-layers 2 --json '{}'", w.dirs, out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json net = read_json(out).at("profiles")[0].at("nets")[0];
  const auto layer_count = net.at("layers").size();
  const auto& segments = net.at("segments");
  ASSERT_LE(segments.size(), 3u);
  ASSERT_LT(segments.size(), layer_count);
  EXPECT_EQ(segments.back().at("last").get<std::size_t>(), layer_count - 1);  // always ends at the last layer
  std::size_t covered = 0;
  for (const auto& s : segments) {
    EXPECT_EQ(s.at("first").get<std::size_t>(), covered);  // consecutive, no gap
    covered = s.at("last").get<std::size_t>() + 1;
  }
  EXPECT_EQ(covered, layer_count);
}

TEST(ProfileCli, ProfileAfterAnOrdinaryRun) {
  const Workspace w = make_workspace();
  const fs::path out = w.root / "after_run.json";
  const auto r = test::run_zoo_bench(fmt::format("--all {} --warmup 0 --repeat 2 --profile --profile-json '{}'",
                                                 w.dirs, out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("=== profile: MobileNet"), std::string::npos) << r.output;
  // Not a cold start: the run before loaded and ran the same model in this process.
  EXPECT_NE(r.output.find("Cold start (warm process: profiled after the benchmark run"), std::string::npos) << r.output;
  const json p = read_json(out).at("profiles")[0];
  EXPECT_EQ(p.at("status"), "ok");
  EXPECT_TRUE(p.at("cold_start").at("warm_process").get<bool>());
  EXPECT_NE(p.at("cold_start").at("process").get<std::string>().find("warm process"), std::string::npos);
}

// A profile after an item whose model is absent, or does not load, is still a cold start (nothing was
// loaded); one after an item that loaded is labelled warm. Configs run in file-name order: aaa_ first.
TEST(ProfileCli, OnlyItemsThatLoadedMakeTheNextProfileWarm) {
  const Workspace w = make_workspace();
  const fs::path configs = w.root / "configs";
  // Profiles --all on the CPU; returns the output and the two profiles, expecting `exit_code`.
  auto profile_both = [&](const std::string& name, int exit_code) {
    const fs::path out = w.root / (name + ".json");
    const auto r = test::run_zoo_bench(
        fmt::format("profile --all {} --backend-target 0 --repeats 2 --json '{}'", w.dirs, out.string()));
    EXPECT_EQ(r.exit_code, exit_code) << r.output;
    const json profiles = read_json(out).at("profiles");
    EXPECT_EQ(profiles.size(), 2u) << r.output;
    return std::make_pair(r.output, profiles);
  };
  auto warm = [](const json& profile) { return profile.at("cold_start").at("warm_process").get<bool>(); };

  fs::copy_file(test::source_dir() / "configs" / "image_classification_ppresnet.yaml", configs / "aaa_absent.yaml");
  const auto [absent_out, absent_first] = profile_both("absent", 3);  // the absent model: incomplete
  ASSERT_EQ(absent_first.size(), 2u);
  EXPECT_EQ(absent_first[0].at("status"), "missing");
  EXPECT_EQ(absent_first[1].at("status"), "ok");
  EXPECT_FALSE(warm(absent_first[1])) << absent_out;

  // A file that is there but does not load (not an ONNX model) fails its item and warms nothing either.
  fs::create_directories(w.root / "models" / "image_classification_ppresnet");
  std::ofstream(w.root / "models" / "image_classification_ppresnet" / "image_classification_ppresnet50_2022jan.onnx")
      << "not an onnx model";
  const auto [bad_out, unloadable_first] = profile_both("unloadable", 1);
  ASSERT_EQ(unloadable_first.size(), 2u);
  EXPECT_EQ(unloadable_first[0].at("status"), "FAILED");
  EXPECT_FALSE(warm(unloadable_first[1])) << bad_out;

  fs::remove(configs / "aaa_absent.yaml");
  fs::copy_file(configs / "image_classification_mobilenet.yaml", configs / "aaa_again.yaml");
  const auto [warm_out, loaded_first] = profile_both("loaded", 0);
  ASSERT_EQ(loaded_first.size(), 2u);
  EXPECT_FALSE(warm(loaded_first[0]));
  EXPECT_TRUE(warm(loaded_first[1])) << warm_out;
  EXPECT_NE(warm_out.find("warm process: 1 item profiled before in this process"), std::string::npos) << warm_out;
}

TEST(ProfileCli, CudaOnAnOpenCVWithoutCudaSaysSo) {
  if (current_build_facts().cuda) GTEST_SKIP() << "this OpenCV has CUDA: the CUDA profile would really run";
  const Workspace w = make_workspace();
  const fs::path out = w.root / "cuda.json";
  const auto r = test::run_zoo_bench(fmt::format("profile --all {} --backend-target 1 --repeats 2 --json '{}'",
                                                 w.dirs, out.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("the whole net was set up on the CPU, not on CUDA"), std::string::npos) << r.output;
  const json p = read_json(out).at("profiles")[0];
  EXPECT_EQ(p.at("backend_target").at("name"), "CUDA");
  EXPECT_NE(p.at("placement").get<std::string>().find("whole net on CPU"), std::string::npos) << p.at("placement");
  // Without a GPU there is no activity to record, whether or not CUPTI was built in; the reason is given.
  EXPECT_FALSE(p.at("gpu_activity").at("recorded").get<bool>());
  EXPECT_FALSE(p.at("gpu_activity").at("status").get<std::string>().empty());
  const json net = p.at("nets")[0];
  EXPECT_TRUE(net.at("whole_net_on_cpu").get<bool>());
  EXPECT_TRUE(net.at("fallbacks").empty());
  // The net ran on the CPU, so getPerfProfile is the CPU's ground truth here too.
  ASSERT_FALSE(net.at("validation").is_null());
  EXPECT_EQ(net.at("validation").at("reference"), "getPerfProfile (CPU: compute time)");
  EXPECT_TRUE(p.at("cold_start").at("cuda_context_ms").is_null());
  EXPECT_NE(r.output.find("CUDA context creation: not measured: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Verdict: none: the nets were set up on the CPU"), std::string::npos) << r.output;
  EXPECT_EQ(p.at("verdict").at("bound"), "no verdict");
}

TEST(ProfileCli, UsageErrors) {
  const Workspace w = make_workspace();
  auto r = test::run_zoo_bench(fmt::format("profile {}", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("give -c CONFIG"), std::string::npos) << r.output;
  r = test::run_zoo_bench(fmt::format("profile --all {} --json '{}'", w.dirs, (w.root / "no" / "dir" / "p.json").string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("p.json: cannot write results file: No such file or directory"), std::string::npos)
      << r.output;
  r = test::run_zoo_bench(fmt::format("profile --all {} --repeats 0", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = test::run_zoo_bench(fmt::format("profile --all {} --backend-target 1 --clock cpu", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--clock cpu measures the CPU's work only"), std::string::npos) << r.output;
  r = test::run_zoo_bench(fmt::format("profile --all {} --estimator mean", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // Silently ignoring these would leave a user without the profile (or with one of the wrong GPU).
  r = test::run_zoo_bench(fmt::format("--all {} --profile-json '{}'", w.dirs, (w.root / "p.json").string()));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--profile-json needs --profile"), std::string::npos) << r.output;
  r = test::run_zoo_bench(fmt::format("--all {} --backend-target 1 --profile --device all", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--profile cannot be combined with --device all"), std::string::npos) << r.output;
  // `profile --device`: one GPU, for a CUDA target, and one that exists.
  r = test::run_zoo_bench(fmt::format("profile --all {} --backend-target 1 --device all", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("profile: --device all is not supported"), std::string::npos) << r.output;
  r = test::run_zoo_bench(fmt::format("profile --all {} --backend-target 0 --device 0", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("none is selected"), std::string::npos) << r.output;
  r = test::run_zoo_bench(fmt::format("profile --all {} --backend-target 1 --device 64", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--device 64"), std::string::npos) << r.output;
  r = test::run_zoo_bench(fmt::format("profile --all {} --per-visit 0", w.dirs));
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

}  // namespace
}  // namespace zoobench
