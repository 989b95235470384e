#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/core/utils/logger.hpp>

#include "test_support.hpp"
#include "zoobench/device/device.hpp"
#include "zoobench/device/doctor.hpp"
#include "zoobench/device/placement.hpp"
#include "zoobench/error.hpp"
#include "zoobench/measure/log_capture.hpp"

namespace zoobench {
namespace {

// The CUDA lines of cv::getBuildInformation() from an OpenCV 4.10 build with CUDA 13 for sm_90.
constexpr const char* kCudaBuildInfo = R"(
  Platform:
    Timestamp:                   2026-11-21T16:40:00Z
    Host:                        Linux 6.8.0 x86_64
    Configuration:               Release
  NVIDIA CUDA:                   YES (ver 13.0, CUFFT CUBLAS)
    NVIDIA GPU arch:             90
    NVIDIA PTX archs:

  cuDNN:                         YES (ver 9.14.0)
)";

TEST(BuildFacts, ParsesCudaArchAndCudnn) {
  const OpenCVBuildFacts f = parse_build_information(kCudaBuildInfo);
  EXPECT_TRUE(f.cuda);
  EXPECT_EQ(f.cuda_version, "13.0");
  EXPECT_EQ(f.cuda_features, "CUFFT CUBLAS");
  ASSERT_EQ(f.arch_bin.size(), 1u);
  EXPECT_EQ(f.arch_bin[0].text(), "9.0");
  EXPECT_TRUE(f.arch_ptx.empty());
  EXPECT_TRUE(f.cudnn);
  EXPECT_EQ(f.cudnn_version, "9.14.0");
  EXPECT_EQ(f.configuration, "Release");
}

TEST(BuildFacts, ParsesSeveralArchsAndPtx) {
  const OpenCVBuildFacts f = parse_build_information(
      "  NVIDIA CUDA:   YES (ver 12.4, CUFFT CUBLAS FAST_MATH)\n    NVIDIA GPU arch:   75 86 120\n"
      "    NVIDIA PTX archs:   120\n  cuDNN:  NO\n");
  ASSERT_EQ(f.arch_bin.size(), 3u);
  EXPECT_EQ(f.arch_bin[2].text(), "12.0");
  ASSERT_EQ(f.arch_ptx.size(), 1u);
  EXPECT_FALSE(f.cudnn);
}

TEST(BuildFacts, CpuOnlyBuild) {
  const OpenCVBuildFacts f = parse_build_information("  NVIDIA CUDA:   NO\n  OpenCL:  YES\n");
  EXPECT_FALSE(f.cuda);
  EXPECT_TRUE(f.arch_bin.empty());
}

TEST(ArchVerdict, BinaryRunsOnSameMajorWithEqualOrHigherMinor) {
  EXPECT_TRUE(arch_verdict({9, 0}, {{9, 0}}, {}).runnable);
  EXPECT_TRUE(arch_verdict({8, 6}, {{8, 0}}, {}).runnable);
  EXPECT_FALSE(arch_verdict({8, 0}, {{8, 6}}, {}).runnable);
  // The wrong-architecture build measured on the H100: sm_80 only, no PTX.
  const ArchVerdict wrong = arch_verdict({9, 0}, {{8, 0}}, {});
  EXPECT_FALSE(wrong.runnable);
  EXPECT_NE(wrong.reason.find("compute capability 9.0 is not covered by CUDA_ARCH_BIN '8.0'"), std::string::npos)
      << wrong.reason;
}

TEST(ArchVerdict, PtxIsJitCompiledForNewerDevices) {
  EXPECT_TRUE(arch_verdict({9, 0}, {{8, 0}}, {{8, 0}}).runnable);
  EXPECT_TRUE(arch_verdict({12, 0}, {{9, 0}}, {{9, 0}}).runnable);
  EXPECT_FALSE(arch_verdict({7, 5}, {}, {{8, 0}}).runnable);
}

// A Net::dump() excerpt as OpenCV 4.x writes it: one fused cluster and one box, CUDA and CPU labels.
constexpr const char* kDump =
    "digraph G {\n"
    "\t\"cluster_3\" [label=\"{conv1\\nConvolution\\nkernel_size (HxW): 3 x 3\\l | relu1\\nReLU\\noutput: 1 x 16 x 60 x "
    "80\\lCUDA/CUDA_FP16\\n }\" fillcolor=\"#ffffb3\" style=filled shape=record]\n"
    "\t\"argmax\" [label=\"argmax\\nArgLayer\\noutput: 1 x 1\\lOCV/CPU\\n\" fillcolor=\"#ffffb3\" style=filled shape=box]\n"
    "\t\"fc\" [label=\"fc\\nInnerProduct\\noutput: 1 x 10\\lCUDA/CUDA_FP16\\n\" shape=box]\n"
    "}\n";

TEST(Fallback, ParsesLayerPlacementFromNetDump) {
  const auto placements = parse_net_dump(kDump);
  ASSERT_EQ(placements.size(), 4u);
  EXPECT_EQ(placements[0].layer, "conv1");
  EXPECT_EQ(placements[1].layer, "relu1");
  EXPECT_EQ(placements[1].backend, "CUDA");
  EXPECT_EQ(placements[1].target, "CUDA_FP16");
  EXPECT_EQ(placements[2].layer, "argmax");
  EXPECT_EQ(placements[2].backend, "OCV");
}

TEST(Fallback, PerLayerFallbackIsNamed) {
  const std::string log =
      "[ INFO:0@1.2] global op_cuda.cpp (78) initCUDABackend CUDA backend will fallback to the CPU implementation for "
      "the layer \"argmax\" of type ArgLayer\n";
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {kDump}, true, {}, {}}, backend_target_at(2));
  EXPECT_TRUE(e.checked());
  EXPECT_TRUE(e.fell_back());
  EXPECT_FALSE(e.whole_net_on_cpu);
  EXPECT_EQ(e.layers, 4);
  EXPECT_EQ(e.cpu_layers, std::vector<std::string>{"argmax"});
  EXPECT_EQ(e.describe(), "CPU FALLBACK: 1/4 layers on CPU: argmax");
  ASSERT_EQ(e.log_lines.size(), 1u);
}

TEST(Fallback, WholeNetSwitchedToCpuIsCaught) {
  const std::string dump = "\t\"a\" [label=\"a\\nConvolution\\lOCV/CPU\\n\"]\n";
  const std::string log =
      "[ WARN:0@0.05] global ./modules/dnn/src/net_impl.cpp (179) setUpNet DNN module was not built with CUDA backend; "
      "switching to CPU\n";
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {dump}, true, {}, {}}, backend_target_at(1));
  EXPECT_TRUE(e.whole_net_on_cpu);
  EXPECT_EQ(e.describe(), "CPU FALLBACK: whole net on CPU (DNN module was not built with CUDA backend; switching to CPU)");
  const std::string log410 =
      "[ WARN:0@0.301] global net_impl.cpp:178 setUpNet DNN module was not built with CUDA backend; switching to CPU\n";
  EXPECT_EQ(analyse_placement(PlacementInput{log410, {dump}, true, {}, {}}, backend_target_at(2)).describe(),
            "CPU FALLBACK: whole net on CPU (DNN module was not built with CUDA backend; switching to CPU)");
  // Even with no log line, every layer labelled OCV means the whole net ran on the CPU.
  EXPECT_TRUE(analyse_placement(PlacementInput{"", {dump}, true, {}, {}}, backend_target_at(1)).whole_net_on_cpu);
}

TEST(Fallback, AllLayersOnCudaIsClean) {
  const std::string dump = "\t\"a\" [label=\"a\\nConvolution\\lCUDA/CUDA\\n\"]\n\t\"b\" [label=\"b\\nReLU\\lCUDA/CUDA\\n\"]\n";
  const DeviceEvidence e = analyse_placement(PlacementInput{"", {dump}, true, {}, {}}, backend_target_at(1));
  EXPECT_TRUE(e.checked());
  EXPECT_FALSE(e.fell_back());
  EXPECT_EQ(e.describe(), "GPU 2/2 layers");
  EXPECT_FALSE(analyse_placement(PlacementInput{"", {dump}, true, {}, {}}, backend_target_at(0)).checked());  // nothing to check on the CPU
}

TEST(Fallback, LogCaptureInterceptsOpenCVInfoAndWarningsAndRestoresBothStreams) {
  std::string captured;
  {
    OpenCVLogLevel level(cv::utils::logging::LOG_LEVEL_INFO);
    OpenCVLogCapture capture;
    // OpenCV writes INFO (per-layer CUDA fallback) to stdout and warnings to stderr.
    CV_LOG_INFO(NULL, "zoo-bench capture test: CUDA backend will fallback to the CPU implementation for the layer \"x\"");
    CV_LOG_WARNING(NULL, "zoo-bench capture test: switching to CPU");
    std::fprintf(stderr, "plain stderr line\n");
    captured = capture.finish();
  }
  EXPECT_NE(captured.find("for the layer \"x\""), std::string::npos) << captured;
  EXPECT_NE(captured.find("zoo-bench capture test: switching to CPU"), std::string::npos) << captured;
  EXPECT_NE(captured.find("plain stderr line"), std::string::npos);
  EXPECT_EQ(relevant_log_lines(captured).size(), 2u);
}

TEST(Fallback, TheInputHolderIsNoFallback) {
  // OpenCV 4.10 on the H100 logs this for every CUDA net; the net itself ran on the GPU.
  const std::string log =
      "[ INFO:0@0.546] global op_cuda.cpp:80 initCUDABackend CUDA backend will fallback to the CPU implementation "
      "for the layer \"_input\" of type __NetInputLayer__\n";
  const std::string dump = "\t\"a\" [label=\"a\\nConvolution\\lCUDA/CUDA\\n\"]\n";
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {dump}, true, {}, {}}, backend_target_at(1));
  EXPECT_FALSE(e.fell_back()) << e.describe();
  EXPECT_EQ(e.layers, 1);
}

// A probe as a healthy H100 gives it (benchmarks/results/gpu-h100): verified on the GPU, close to the CPU,
// device memory used and, for CUDA_FP16, FP16-sized differences from both the CPU and FP32 CUDA.
ProbeResult passing_probe(int index) {
  ProbeResult p;
  p.pair = backend_target_at(index);
  p.ran = true;
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

CudaDevice device(const std::string& name, GpuArch cc) {
  CudaDevice d;
  d.name = name;
  d.compute_capability = cc;
  d.opencv_compatible = true;
  d.opencv_fp16 = opencv_runs_fp16(cc);
  return d;
}

DoctorReport healthy_report() {
  DoctorReport r;
  r.facts = parse_build_information(kCudaBuildInfo);
  r.facts.version = "4.10.0";
  r.facts.dnn_cuda_backend = true;
  r.devices = {device("NVIDIA H100 80GB HBM3", {9, 0})};
  r.verdicts = {arch_verdict(r.devices[0].compute_capability, r.facts.arch_bin, r.facts.arch_ptx)};
  r.probes = {passing_probe(1), passing_probe(2)};
  return r;
}

// All problems on one line each, for failure messages (never indexes an empty list).
std::string problems_text(const DoctorReport& r) {
  std::string text;
  for (const auto& p : r.problems) text += "\n  - " + p;
  return text.empty() ? " (no problems)" : text;
}

// The problems that contain `what`.
int problems_with(const DoctorReport& r, const std::string& what) {
  return static_cast<int>(std::count_if(r.problems.begin(), r.problems.end(),
                                        [&](const std::string& p) { return p.find(what) != std::string::npos; }));
}

TEST(Device, OpenCVsFp16RuleIsComputeCapability53) {
  // cuda4dnn::doesDeviceSupportFP16(): major * 10 + minor >= 53.
  EXPECT_FALSE(opencv_runs_fp16({3, 7}));
  EXPECT_FALSE(opencv_runs_fp16({5, 0}));
  EXPECT_FALSE(opencv_runs_fp16({5, 2}));  // GTX 970/980 (Maxwell): CUDA_FP16 is demoted to FP32
  EXPECT_TRUE(opencv_runs_fp16({5, 3}));   // Jetson TX1
  EXPECT_TRUE(opencv_runs_fp16({6, 1}));
  EXPECT_TRUE(opencv_runs_fp16({9, 0}));
  EXPECT_TRUE(opencv_runs_fp16({12, 0}));
}

TEST(Doctor, HealthyBuildIsUsable) {
  DoctorReport r = healthy_report();
  diagnose(r);
  EXPECT_TRUE(r.cuda_usable()) << problems_text(r);
  for (const auto& p : r.probes) EXPECT_TRUE(p.passed()) << p.pair.name;
}

TEST(Doctor, CpuOnlyOpenCVSaysCudaIsNotBuiltIn) {
  DoctorReport r;
  r.facts = parse_build_information("  NVIDIA CUDA: NO\n");
  r.facts.version = "4.6.0";
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("OpenCV 4.6.0 was built without CUDA"), std::string::npos);
  EXPECT_NE(r.problems[0].find("scripts/build_opencv_cuda.sh"), std::string::npos);
}

TEST(Doctor, WrongArchitectureNamesTheExactRebuildFlag) {
  DoctorReport r = healthy_report();
  r.facts.arch_bin = {{8, 0}};
  r.verdicts = {arch_verdict({9, 0}, r.facts.arch_bin, {})};
  r.probes[0].ran = false;
  r.probes[0].error = "OpenCV was not built to work with the selected device. Please check CUDA_ARCH_PTX or CUDA_ARCH_BIN";
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 2u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("--cuda-arch-bin 9.0"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[1].find("failed on CUDA"), std::string::npos) << r.problems[1];
}

TEST(Doctor, FallbackMismatchAndNoDeviceMemoryAreProblems) {
  DoctorReport r = healthy_report();
  r.probes[0].evidence.state = Placement::Fallback;
  r.probes[0].evidence.whole_net_on_cpu = true;
  r.probes[1].max_abs_diff = 1.0;  // over the FP16 limit, 3e-2 of max |output| 2.0
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 2u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("on CUDA fell back to the CPU: CPU FALLBACK: whole net on CPU"), std::string::npos)
      << r.problems[0];
  EXPECT_NE(r.problems[1].find("on CUDA_FP16 differs from the CPU"), std::string::npos) << r.problems[1];
  r = healthy_report();
  r.probes[1].device_bytes_used = 0;
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("allocated no device memory"), std::string::npos);
}

TEST(Doctor, UnverifiedPlacementIsAProblem) {
  // Before, only a fallback failed the probe: an empty or unparsable dump passed as "on the GPU".
  DoctorReport r = healthy_report();
  r.probes[0].evidence = DeviceEvidence{};
  r.probes[0].evidence.state = Placement::Unverified;
  r.probes[0].evidence.reason = "Net::dump() gave no labelled layers";
  diagnose(r);
  EXPECT_FALSE(r.probes[0].passed());
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("on CUDA is not verified on the GPU (UNVERIFIED: Net::dump() gave no labelled layers)"),
            std::string::npos)
      << r.problems[0];
  // A placement never checked is no proof either.
  r = healthy_report();
  r.probes[1].evidence = DeviceEvidence{};
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("placement not checked"), std::string::npos) << r.problems[0];
}

TEST(Doctor, Fp16IdenticalToFp32IsNotProven) {
  // A demoted target runs the FP32 kernels: bit for bit the CUDA output, well inside the FP16 tolerance.
  DoctorReport r = healthy_report();
  r.probes[1].max_abs_diff = r.probes[0].max_abs_diff;
  r.probes[1].max_abs_diff_vs_fp32 = 0;
  diagnose(r);
  EXPECT_TRUE(r.probes[1].matches());
  EXPECT_FALSE(r.probes[1].fp16_proven());
  EXPECT_FALSE(r.probes[1].passed());
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("on CUDA_FP16: FP16 not proven: output identical to FP32"), std::string::npos)
      << r.problems[0];
  EXPECT_NE(r.problems[0].find("from the CUDA FP32 output 0,"), std::string::npos) << r.problems[0];
}

TEST(Doctor, Fp16CloserToTheCpuThanFp16RoundingIsNotProven) {
  DoctorReport r = healthy_report();
  const double floor = r.probes[1].fp16_floor();
  EXPECT_DOUBLE_EQ(floor, 2.0 / 16384);
  // No FP32 output to compare with (-1), and the CPU is closer than FP16 rounding allows.
  r.probes[1].max_abs_diff_vs_fp32 = -1;
  r.probes[1].max_abs_diff = floor / 4;
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("FP16 not proven: output identical to FP32 (max |diff| from the CUDA FP32 output not "
                               "compared"),
            std::string::npos)
      << r.problems[0];
  // Differs from the CPU by FP16 amounts yet from FP32 CUDA by less than FP16 rounding: not proven.
  r = healthy_report();
  r.probes[1].max_abs_diff_vs_fp32 = floor / 2;
  diagnose(r);
  EXPECT_EQ(problems_with(r, "FP16 not proven"), 1) << problems_text(r);
  // Both at FP16 size: proven. The FP32 probe makes no FP16 claim.
  r = healthy_report();
  r.probes[1].max_abs_diff_vs_fp32 = floor;
  EXPECT_TRUE(r.probes[1].fp16_proven());
  EXPECT_TRUE(r.probes[0].fp16_proven());
}

TEST(Doctor, Fp16DemotedByOpenCVIsAProblem) {
  DoctorReport r = healthy_report();
  DeviceEvidence& e = r.probes[1].evidence;
  e.state = Placement::Fallback;
  e.fp16_demoted = true;
  e.reason = "The selected CUDA device does not support FP16 target; switching to FP32 target.";
  diagnose(r);
  EXPECT_FALSE(r.probes[1].passed());
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("on CUDA_FP16 ran as FP32, not FP16: FP16 DEMOTED to FP32"), std::string::npos)
      << r.problems[0];
}

TEST(Doctor, DeviceWithoutFastFp16IsNamed) {
  // A fake device fact: a Maxwell GTX 980 (5.2) beside the H100. OpenCV demotes CUDA_FP16 on it.
  DoctorReport r = healthy_report();
  r.facts.arch_bin = {{5, 2}, {9, 0}};
  CudaDevice maxwell = device("NVIDIA GeForce GTX 980", {5, 2});
  maxwell.index = 1;
  EXPECT_FALSE(maxwell.opencv_fp16);
  r.devices.push_back(maxwell);
  r.verdicts = {arch_verdict({9, 0}, r.facts.arch_bin, {}), arch_verdict({5, 2}, r.facts.arch_bin, {})};
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 1u) << problems_text(r);
  EXPECT_NE(r.problems[0].find("GPU 1 (NVIDIA GeForce GTX 980, compute capability 5.2) has no fast FP16"),
            std::string::npos)
      << r.problems[0];
  EXPECT_NE(r.problems[0].find("switching to FP32 target"), std::string::npos) << r.problems[0];
  // The report shows the capability of every device.
  std::ostringstream text;
  print_doctor(r, text);
  EXPECT_NE(text.str().find("FP16: yes (compute capability >= 5.3)"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("FP16: NO (compute capability < 5.3"), std::string::npos) << text.str();
  const auto j = nlohmann::json::parse(doctor_json(r));
  ASSERT_EQ(j["devices"].size(), 2u);
  EXPECT_TRUE(j["devices"][0]["opencv_fp16"].get<bool>());
  EXPECT_FALSE(j["devices"][1]["opencv_fp16"].get<bool>());
}

TEST(Doctor, JsonRecordsTheFp16Proof) {
  DoctorReport r = healthy_report();
  diagnose(r);
  const auto j = nlohmann::json::parse(doctor_json(r));
  ASSERT_EQ(j["probes"].size(), 2u);
  EXPECT_TRUE(j["probes"][0]["max_abs_diff_vs_fp32"].is_null());
  EXPECT_TRUE(j["probes"][0]["fp16_proven"].is_null());
  EXPECT_DOUBLE_EQ(j["probes"][1]["max_abs_diff_vs_fp32"].get<double>(), 9e-4);
  EXPECT_TRUE(j["probes"][1]["fp16_proven"].get<bool>());
  EXPECT_EQ(j["probes"][1]["placement"], "verified");
  EXPECT_TRUE(j["probes"][1]["passed"].get<bool>());
}

TEST(Doctor, NoVisibleDevice) {
  DoctorReport r = healthy_report();
  r.devices.clear();
  r.verdicts.clear();
  r.probes[0].ran = false;
  r.probes[0].error = "no CUDA-capable device is detected";
  diagnose(r);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find("no CUDA device is visible"), std::string::npos) << problems_text(r);
}

TEST(Doctor, ExplainsTheCudnn9FalseAlarm) {
  DoctorReport r = healthy_report();
  r.probes[0].log_lines = {"[ WARN:0@1.0] cuDNN reports version 91.4 which is not compatible with the version 9.14"};
  diagnose(r);
  EXPECT_TRUE(r.cuda_usable()) << problems_text(r);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("false alarm"), std::string::npos);
}

// On this OpenCV (whatever it is), the doctor's exit code must follow its own verdict: 0 exactly when
// it found the CUDA target usable, 4 otherwise; without CUDA it says so. The GPU machine's runs are
// recorded under benchmarks/results/.
TEST(Doctor, CommandAgreesWithThisOpenCV) {
  const auto json_path = test::scratch_dir() / "doctor.json";
  const auto result = test::run_zoo_bench(fmt::format("doctor --json '{}'", json_path.string()));
  std::ifstream file(json_path);
  ASSERT_TRUE(file) << "the doctor wrote no JSON report:\n" << result.output;
  const auto j = nlohmann::json::parse(file);
  const bool usable = j.at("cuda_usable").get<bool>();
  EXPECT_EQ(result.exit_code, usable ? static_cast<int>(kExitOk) : static_cast<int>(kExitNoCuda)) << result.output;
  EXPECT_NE(result.output.find(usable ? "the CUDA target is usable" : "the CUDA target is NOT usable"), std::string::npos)
      << result.output;
  if (!current_build_facts().cuda) {
    EXPECT_FALSE(usable);
    EXPECT_NE(result.output.find("was built without CUDA"), std::string::npos) << result.output;
  }
  // A usable verdict needs every probe passed, the FP16 one with its proof.
  if (usable) {
    EXPECT_EQ(j.at("probes").size(), 2u);
    for (const auto& probe : j.at("probes")) EXPECT_TRUE(probe.at("passed").get<bool>()) << probe.dump();
  }
}

}  // namespace
}  // namespace zoobench
