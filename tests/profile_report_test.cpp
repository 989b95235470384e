// The profile's console and JSON for a CUDA item, from a synthetic ModelProfile (no GPU here): the
// cold-start block with the context line and the warm-process label, the verdict with its evidence,
// CUPTI's own cost, the layer timer's table with a fallback layer, both checks and the cross-check.
#include <gtest/gtest.h>

#include <sstream>

#include "zoobench/plan/backend.hpp"
#include "zoobench/report/profile_report.hpp"

namespace zoobench {
namespace {

ModelProfile cuda_profile() {
  ModelProfile p;
  p.config = "object_detection_yolox.yaml";
  p.model = "YoloX";
  p.files = "['yolox_nano.onnx']";
  p.input_size = "[640, 640]";
  p.backend_target = backend_target_at(1);
  p.cold.load_ms = 50;
  p.cold.first_forward_ms = 700;
  p.cold.second_forward_ms = 40;
  p.cold.steady_ms = 36;
  p.cold.cuda_context_ms = 120.5;
  p.cold.cuda_context_note = "device 0: cv::cuda::setDevice and a first GpuMat allocation";
  p.steady_ms = {36, 36, 37};
  p.gpu_recorded = true;
  p.gpu_status = "CUPTI activity API";
  for (double w : {36.0, 36.5, 35.5}) {
    profile::GpuForward f;
    f.wall_ms = w;
    f.busy_ms = 1.1;
    f.kernels = 466;
    f.copies = 8;
    f.copies_to_host = 1;
    f.copies_to_device = 4;
    p.steady_gpu.push_back(f);
  }
  p.gpu = profile::summarise_gpu(p.steady_gpu);
  p.unrecorded_ms = {34.0, 35.0, 34.5};
  p.recorded_control = p.steady_gpu;
  p.recording_overhead = 36.0 / 34.5;

  NetProfile net;
  net.label = "net 1/1";
  net.layers = {{"conv0", "Convolution", false}, {"slice1", "Slice", true}, {"concat2", "Concat", false}};
  net.host_forwards = {{30.0, {2.0, 20.0, 1.0}}, {31.0, {2.0, 21.0, 1.0}}, {29.0, {2.0, 19.0, 1.0}}};
  net.host = profile::summarise_host_forwards(net.host_forwards, 3, 0.10);
  net.reference_ms = net.host.layer_ms;
  net.host_segments = profile::host_segments(net.layers, net.host.layer_ms);
  net.host_fallbacks = profile::fallback_costs(net.host_segments);
  net.host_fallback_ms = profile::fallback_host_ms(net.layers, net.host.layer_ms);
  net.sweeps = 4;
  net.cuts = {{0, {3, 3, 3, 3}}, {1, {25, 25, 25, 25}}, {2, {33, 33, 33, 33}}};
  net.segments = profile::segments_from_cuts(net.layers, net.cuts);
  net.fallbacks = profile::fallback_costs(net.segments);
  net.whole_ms = {40, 40, 41, 41};
  net.outputs = 1;
  net.sum_check = profile::check_sum(net.segments, 40.5, 0.10);
  net.validation = profile::validate_against(net.segments, net.reference_ms, 10);
  p.nets.push_back(net);
  p.verdict = profile::classify_bound(p.gpu, true, 1, net.host_fallback_ms, net.host.wall_ms);
  return p;
}

TEST(ProfileReport, CudaProfileShowsBothSourcesTheVerdictAndItsEvidence) {
  auto p = cuda_profile();
  ASSERT_EQ(p.verdict.bound, profile::Bound::HostBoundFallback);  // 20 of 30 ms in the Slice
  std::ostringstream out;
  print_profile(p, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("Cold start (cold process):"), std::string::npos) << text;
  EXPECT_NE(text.find("CUDA context creation: 120.500 ms (device 0"), std::string::npos) << text;
  EXPECT_NE(text.find("Verdict: HOST-BOUND (CPU fallback): the fallback layers cover most of the GPU's idle time. "
                      "Evidence: GPU busy 3.1% of the forward (1.100 of 36.000 ms); 466 kernel launches, 8 copies (1 "
                      "to host, 4 to device); 1 CPU-fallback layer(s) take 20.000 ms of host time (66.7% of the layer "
                      "timer's forward)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("CUPTI's own cost: a recorded forward takes 1.043x an unrecorded one"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Host time per layer (OpenCV's layer timer; on CUDA: launch + host work + waits, not GPU "
                      "execution), median of 3 whole forwards"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Layers that fell back to the CPU: 1, with copies 21.000 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("Check (layer timer): per forward, the layers add up to 23.000 ms of a 30.000 ms forward: "
                      "median gap 23.3%"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("OUTSIDE (tolerance 10.0%; the gap is what the layer timer does not see: the final "
                      "synchronisation with the GPU"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("3 cut points x 4 sweeps x 2 timed forwards"), std::string::npos) << text;
  EXPECT_NE(text.find("Check (cut method): segments add up to 33.000 ms, a whole forward of the same sweeps takes "
                      "40.500 ms: 18.5% off, OUTSIDE (tolerance 10.0%"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Cross-check, cut method vs layer timer per segment"), std::string::npos) << text;

  const auto j = profile_json(p);
  EXPECT_EQ(j.at("verdict").at("bound"), "HOST-BOUND (CPU fallback)");
  EXPECT_DOUBLE_EQ(j.at("verdict").at("fallback_host_ms").get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(j.at("cold_start").at("cuda_context_ms").get<double>(), 120.5);
  EXPECT_NEAR(j.at("gpu_activity").at("recording_overhead").get<double>(), 36.0 / 34.5, 1e-12);
  const auto& net = j.at("nets")[0];
  EXPECT_EQ(net.at("layer_timer").at("forwards").get<std::size_t>(), 3u);
  EXPECT_FALSE(net.at("layer_timer").at("within").get<bool>());
  EXPECT_EQ(net.at("layer_timer").at("fallbacks").size(), 1u);
  EXPECT_EQ(net.at("validation").at("reference"), "layer timer (host time; a cross-check)");
  EXPECT_DOUBLE_EQ(net.at("layers")[1].at("getperfprofile_ms").get<double>(), 20.0);
}

TEST(ProfileReport, WarmProcessAndMissingEvidenceAreSaid) {
  auto p = cuda_profile();
  p.cold.process = "warm process: 1 item profiled before in this process; CUDA context and cuDNN already initialised";
  p.cold.warm_process = true;
  p.cold.cuda_context_ms = -1;
  p.cold.cuda_context_note = "not measured: created before the first item of this profile";
  p.gpu_recorded = false;
  p.gpu_status = "not available: zoo-bench was built without CUPTI";
  p.recording_overhead = 0;
  p.recording_note = "no control: GPU activity is not recorded";
  p.verdict = profile::classify_bound(p.gpu, false, 1, 20, 30);
  std::ostringstream out;
  print_profile(p, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("Cold start (warm process: 1 item profiled before in this process; CUDA context and cuDNN "
                      "already initialised):"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("CUDA context creation: not measured: created before the first item"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Verdict: none: not available: zoo-bench was built without CUPTI"), std::string::npos) << text;
  const auto j = profile_json(p);
  EXPECT_TRUE(j.at("cold_start").at("warm_process").get<bool>());
  EXPECT_TRUE(j.at("cold_start").at("cuda_context_ms").is_null());
  EXPECT_EQ(j.at("verdict").at("bound"), "no verdict");
}

}  // namespace
}  // namespace zoobench
