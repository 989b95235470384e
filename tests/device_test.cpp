#include <gtest/gtest.h>

#include <cstdio>

#include <opencv2/core/utils/logger.hpp>

#include "test_support.hpp"
#include "zoobench/device/device.hpp"
#include "zoobench/device/doctor.hpp"
#include "zoobench/device/placement.hpp"
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
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {kDump}, true, {}}, backend_target_at(2));
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
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {dump}, true, {}}, backend_target_at(1));
  EXPECT_TRUE(e.whole_net_on_cpu);
  EXPECT_EQ(e.describe(), "CPU FALLBACK: whole net on CPU (DNN module was not built with CUDA backend; switching to CPU)");
  const std::string log410 =
      "[ WARN:0@0.301] global net_impl.cpp:178 setUpNet DNN module was not built with CUDA backend; switching to CPU\n";
  EXPECT_EQ(analyse_placement(PlacementInput{log410, {dump}, true, {}}, backend_target_at(2)).describe(),
            "CPU FALLBACK: whole net on CPU (DNN module was not built with CUDA backend; switching to CPU)");
  // Even with no log line, every layer labelled OCV means the whole net ran on the CPU.
  EXPECT_TRUE(analyse_placement(PlacementInput{"", {dump}, true, {}}, backend_target_at(1)).whole_net_on_cpu);
}

TEST(Fallback, AllLayersOnCudaIsClean) {
  const std::string dump = "\t\"a\" [label=\"a\\nConvolution\\lCUDA/CUDA\\n\"]\n\t\"b\" [label=\"b\\nReLU\\lCUDA/CUDA\\n\"]\n";
  const DeviceEvidence e = analyse_placement(PlacementInput{"", {dump}, true, {}}, backend_target_at(1));
  EXPECT_TRUE(e.checked());
  EXPECT_FALSE(e.fell_back());
  EXPECT_EQ(e.describe(), "GPU 2/2 layers");
  EXPECT_FALSE(analyse_placement(PlacementInput{"", {dump}, true, {}}, backend_target_at(0)).checked());  // nothing to check on the CPU
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
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {dump}, true, {}}, backend_target_at(1));
  EXPECT_FALSE(e.fell_back()) << e.describe();
  EXPECT_EQ(e.layers, 1);
}

ProbeResult passing_probe(int index) {
  ProbeResult p;
  p.pair = backend_target_at(index);
  p.ran = true;
  p.max_abs_reference = 2.0;
  p.relative_tolerance = 1e-3;
  p.max_abs_diff = 1e-4;
  p.device_bytes_used = 64 << 20;
  p.evidence.state = Placement::OnGpu;
  p.evidence.layers = 7;
  p.evidence.gpu_layers = 7;
  return p;
}

DoctorReport healthy_report() {
  DoctorReport r;
  r.facts = parse_build_information(kCudaBuildInfo);
  r.facts.version = "4.10.0";
  r.facts.dnn_cuda_backend = true;
  CudaDevice h100;
  h100.name = "NVIDIA H100 80GB HBM3";
  h100.compute_capability = {9, 0};
  r.devices = {h100};
  r.verdicts = {arch_verdict(h100.compute_capability, r.facts.arch_bin, r.facts.arch_ptx)};
  r.probes = {passing_probe(1), passing_probe(2)};
  return r;
}

TEST(Doctor, HealthyBuildIsUsable) {
  DoctorReport r = healthy_report();
  diagnose(r);
  EXPECT_TRUE(r.cuda_usable()) << r.problems.front();
}

TEST(Doctor, CpuOnlyOpenCVSaysCudaIsNotBuiltIn) {
  DoctorReport r;
  r.facts = parse_build_information("  NVIDIA CUDA: NO\n");
  r.facts.version = "4.6.0";
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 1u);
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
  ASSERT_FALSE(r.cuda_usable());
  EXPECT_NE(r.problems[0].find("--cuda-arch-bin 9.0"), std::string::npos) << r.problems[0];
  EXPECT_NE(r.problems[1].find("failed on CUDA"), std::string::npos) << r.problems[1];
}

TEST(Doctor, FallbackMismatchAndNoDeviceMemoryAreProblems) {
  DoctorReport r = healthy_report();
  r.probes[0].evidence.whole_net_on_cpu = true;
  r.probes[1].max_abs_diff = 1.0;  // limit is 3e-2 * 2 for FP16 in real runs; here 1e-3 * 2
  diagnose(r);
  EXPECT_EQ(r.problems.size(), 2u);
  r = healthy_report();
  r.probes[1].device_bytes_used = 0;
  diagnose(r);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find("allocated no device memory"), std::string::npos);
}

TEST(Doctor, NoVisibleDevice) {
  DoctorReport r = healthy_report();
  r.devices.clear();
  r.verdicts.clear();
  r.probes[0].ran = false;
  r.probes[0].error = "no CUDA-capable device is detected";
  diagnose(r);
  EXPECT_NE(r.problems[0].find("no CUDA device is visible"), std::string::npos);
}

TEST(Doctor, ExplainsTheCudnn9FalseAlarm) {
  DoctorReport r = healthy_report();
  r.probes[0].log_lines = {"[ WARN:0@1.0] cuDNN reports version 91.4 which is not compatible with the version 9.14"};
  diagnose(r);
  EXPECT_TRUE(r.cuda_usable());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("false alarm"), std::string::npos);
}

// On this OpenCV (whatever it is), the doctor must agree with the build information: without CUDA it
// exits 4 and says so. The GPU machine's runs are recorded under benchmarks/results/.
TEST(Doctor, CommandAgreesWithThisOpenCV) {
  const auto result = test::run_zoo_bench("doctor");
  const OpenCVBuildFacts facts = current_build_facts();
  if (!facts.cuda) {
    EXPECT_EQ(result.exit_code, 4) << result.output;
    EXPECT_NE(result.output.find("was built without CUDA"), std::string::npos) << result.output;
  } else {
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 4) << result.output;
  }
}

}  // namespace
}  // namespace zoobench
