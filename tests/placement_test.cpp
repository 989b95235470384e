// Placement evidence from Net::dump() and OpenCV's captured log: the cases where a run could pass as "on
// the GPU" without proof (an empty dump, a hidden net, a demoted FP16 target, a foreign label).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "zoobench/device/placement.hpp"
#include "zoobench/plan/backend.hpp"

namespace zoobench {
namespace {

const BackendTarget& cuda() { return backend_target_at(1); }
const BackendTarget& cuda_fp16() { return backend_target_at(2); }

// One Net::dump() node per layer, labelled as OpenCV 4.10 labels it ("...output: ...\lBACKEND/TARGET\n").
std::string dump_of(const std::vector<std::string>& layers, const std::string& label) {
  std::string dump = "digraph G {\n";
  for (const auto& layer : layers) {
    dump += "\t\"" + layer + "\" [label=\"" + layer + "\\nConvolution\\noutput: [1 x 8 x 32 x 32]\\l" + label +
            "\\n\" fillcolor=\"#ff4848\" style=filled shape=box]\n";
  }
  return dump + "}\n";
}

// OpenCV 4.10's warning, as its logger writes it (modules/dnn/src/op_cuda.cpp:34, Net::Impl::initCUDABackend).
constexpr const char* kFp16DemotedWarning =
    "[ WARN:0@0.412] global op_cuda.cpp:34 initCUDABackend The selected CUDA device does not support FP16 target; "
    "switching to FP32 target.\n";

std::string layer_fallback_line(const std::string& layer, const std::string& type) {
  // OpenCV 4.10's INFO line (op_cuda.cpp:78-80); the message ends with its own '\n'.
  return "[ INFO:0@0.546] global op_cuda.cpp:80 initCUDABackend CUDA backend will fallback to the CPU implementation "
         "for the layer \"" + layer + "\" of type " + type + "\n\n";
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

TEST(Placement, EmptyOrUnparsableDumpIsUnverifiedNeverOnGpu) {
  const std::vector<std::vector<std::string>> dumps = {
      {},                                   // the model exposed no net
      {""},                                 // Net::dump() returned nothing
      {"digraph G {\n}\n"},                 // an unallocated net
      {"not a dump at all"},                // garbage
      {"\t\"a\" [label=\"a\\nConvolution\\n\"]\n"},  // a node without a backend/target label
  };
  for (const auto& d : dumps) {
    const DeviceEvidence e = analyse_placement(PlacementInput{"", d, true, {}, {}}, cuda());
    EXPECT_EQ(e.state, Placement::Unverified) << (d.empty() ? "(no dumps)" : d[0]);
    EXPECT_FALSE(e.verified());
    EXPECT_FALSE(e.fell_back());
    EXPECT_EQ(e.layers, 0);
    EXPECT_TRUE(contains(e.describe(), "UNVERIFIED")) << e.describe();
    EXPECT_EQ(e.short_text(), "UNVERIFIED");
  }
}

TEST(Placement, HiddenTrackerNetCountsOnlyTheLayersTheLogNames) {
  // cv::TrackerVit hides its net: no dump, only the log. The net's size is unknown, so no "3/3".
  const std::string log = layer_fallback_line("_input", "__NetInputLayer__") + layer_fallback_line("slice_1", "Slice") +
                          layer_fallback_line("slice_2", "Slice") + layer_fallback_line("norm", "ReduceMean");
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {}, false, "cv::TrackerVit", {}}, cuda());
  EXPECT_EQ(e.state, Placement::Fallback);
  EXPECT_EQ(e.cpu_layers, (std::vector<std::string>{"slice_1", "slice_2", "norm"}));
  EXPECT_EQ(e.layers, 0);
  EXPECT_FALSE(e.whole_net_on_cpu);
  EXPECT_FALSE(contains(e.describe(), "3/3")) << e.describe();
  EXPECT_TRUE(contains(e.describe(), "3 layers named in OpenCV's log ran on the CPU: slice_1, slice_2, norm"))
      << e.describe();
  EXPECT_EQ(e.short_text(), "FALLBACK 3 named");
}

TEST(Placement, HiddenTrackerNetWithoutFallbackLinesIsUnverified) {
  const std::string log = layer_fallback_line("_input", "__NetInputLayer__");  // logged for every CUDA net
  const DeviceEvidence e = analyse_placement(PlacementInput{log, {}, false, "cv::TrackerVit", {}}, cuda());
  EXPECT_EQ(e.state, Placement::Unverified);
  EXPECT_TRUE(e.cpu_layers.empty());
  EXPECT_TRUE(contains(e.describe(), "hidden inside cv::TrackerVit")) << e.describe();
}

TEST(Placement, Fp16DemotionAsAFakeDeviceFact) {
  // What a device below compute capability 5.3 would produce: layers set up for CUDA (FP32) and OpenCV's
  // warning. No such device is at hand, so the device fact is stated in the input.
  const std::string dump = dump_of({"conv1", "conv2"}, "CUDA/CUDA");
  const DeviceEvidence e = analyse_placement(PlacementInput{kFp16DemotedWarning, {dump}, true, {}, {}}, cuda_fp16());
  EXPECT_EQ(e.state, Placement::Fallback);
  EXPECT_TRUE(e.fp16_demoted);
  EXPECT_FALSE(e.verified());
  EXPECT_TRUE(e.cpu_layers.empty());
  EXPECT_TRUE(contains(e.describe(), "FP16 DEMOTED")) << e.describe();
  EXPECT_TRUE(contains(e.describe(), "switching to FP32 target")) << e.describe();
  EXPECT_EQ(e.short_text(), "FP16 DEMOTED");
}

TEST(Placement, Fp16DemotionIsCaughtFromEitherSignalAlone) {
  // OpenCV 4.10 labels each layer from Layer::preferableTarget, set in allocateLayer() before
  // initCUDABackend() demotes the net's target: the dump still says CUDA_FP16, only the log tells.
  const std::string stale = dump_of({"conv1", "conv2"}, "CUDA/CUDA_FP16");
  const DeviceEvidence from_log = analyse_placement(PlacementInput{kFp16DemotedWarning, {stale}, true, {}, {}}, cuda_fp16());
  EXPECT_EQ(from_log.state, Placement::Fallback);
  EXPECT_TRUE(from_log.fp16_demoted);
  // A later OpenCV demotes in setPreferableTarget() without a word: only the CUDA labels tell.
  const std::string fp32 = dump_of({"conv1", "conv2"}, "CUDA/CUDA");
  const DeviceEvidence from_dump = analyse_placement(PlacementInput{"", {fp32}, true, {}, {}}, cuda_fp16());
  EXPECT_EQ(from_dump.state, Placement::Fallback);
  EXPECT_TRUE(from_dump.fp16_demoted);
  EXPECT_TRUE(contains(from_dump.describe(), "FP16 DEMOTED")) << from_dump.describe();
  // The same warning under an FP32 request demotes nothing.
  const DeviceEvidence fp32_run = analyse_placement(PlacementInput{kFp16DemotedWarning, {fp32}, true, {}, {}}, cuda());
  EXPECT_TRUE(fp32_run.verified()) << fp32_run.describe();
  EXPECT_FALSE(fp32_run.fp16_demoted);
}

TEST(Placement, LabelForAnotherTargetIsUnverified) {
  // Neither the requested target nor a CPU fallback: no claim either way.
  const DeviceEvidence fp16_label =
      analyse_placement(PlacementInput{"", {dump_of({"conv1"}, "CUDA/CUDA_FP16")}, true, {}, {}}, cuda());
  EXPECT_EQ(fp16_label.state, Placement::Unverified);
  EXPECT_TRUE(contains(fp16_label.describe(), "CUDA/CUDA_FP16")) << fp16_label.describe();
  const DeviceEvidence ocl_label =
      analyse_placement(PlacementInput{"", {dump_of({"conv1"}, "CUDA/OCL")}, true, {}, {}}, cuda_fp16());
  EXPECT_EQ(ocl_label.state, Placement::Unverified);
  EXPECT_FALSE(ocl_label.fp16_demoted);
}

TEST(Placement, VerifiedNeedsEveryLayerOnTheRequestedTarget) {
  const DeviceEvidence e =
      analyse_placement(PlacementInput{"", {dump_of({"conv1", "conv2", "conv3"}, "CUDA/CUDA_FP16")}, true, {}, {}},
                        cuda_fp16());
  EXPECT_TRUE(e.verified());
  EXPECT_EQ(e.gpu_layers, 3);
  EXPECT_EQ(e.describe(), "GPU 3/3 layers");
}

DeviceEvidence evidence(Placement state, std::vector<std::string> cpu_layers = {}) {
  DeviceEvidence e;
  e.state = state;
  e.layers = 10;
  e.gpu_layers = state == Placement::OnGpu ? 10 : 10 - static_cast<int>(cpu_layers.size());
  e.cpu_layers = std::move(cpu_layers);
  return e;
}

TEST(Placement, MergeEvidencePicksTheWorstState) {
  const DeviceEvidence none;
  const DeviceEvidence on_gpu = evidence(Placement::OnGpu);
  const DeviceEvidence unverified = evidence(Placement::Unverified);
  const DeviceEvidence fallback = evidence(Placement::Fallback, {"slice"});
  // Fallback over unverified over verified over not checked, in either order.
  EXPECT_EQ(merge_evidence(on_gpu, unverified).state, Placement::Unverified);
  EXPECT_EQ(merge_evidence(unverified, on_gpu).state, Placement::Unverified);
  EXPECT_EQ(merge_evidence(unverified, fallback).state, Placement::Fallback);
  EXPECT_EQ(merge_evidence(fallback, unverified).state, Placement::Fallback);
  EXPECT_EQ(merge_evidence(fallback, on_gpu).state, Placement::Fallback);
  EXPECT_EQ(merge_evidence(none, on_gpu).state, Placement::OnGpu);
  EXPECT_EQ(merge_evidence(on_gpu, none).state, Placement::OnGpu);
  // What each saw is kept: the CPU layers of both, and a demotion seen in either.
  DeviceEvidence other = evidence(Placement::Fallback, {"norm", "slice"});
  other.fp16_demoted = true;
  const DeviceEvidence merged = merge_evidence(fallback, other);
  EXPECT_EQ(merged.cpu_layers, (std::vector<std::string>{"slice", "norm"}));
  EXPECT_TRUE(merged.fp16_demoted);
  EXPECT_TRUE(merge_evidence(on_gpu, other).fp16_demoted);
}

// The fake device fact: a GPU below compute capability 5.3, where OpenCV 4.10 runs CUDA_FP16 as FP32
// although the dump keeps the CUDA_FP16 labels; and the same dump on a capable GPU, verified.
TEST(Placement, Fp16OnADeviceWithoutFastFp16IsDemoted) {
  const std::string dump = dump_of({"conv1", "relu1"}, "CUDA/CUDA_FP16");
  PlacementInput slow{"", {dump}, true, {}, false};
  const DeviceEvidence e = analyse_placement(slow, cuda_fp16());
  EXPECT_EQ(e.state, Placement::Fallback);
  EXPECT_TRUE(e.fp16_demoted);
  EXPECT_NE(e.describe().find("FP16 DEMOTED"), std::string::npos) << e.describe();
  PlacementInput fast{"", {dump}, true, {}, true};
  EXPECT_TRUE(analyse_placement(fast, cuda_fp16()).verified());
  // A CUDA (FP32) request makes no FP16 claim: the device fact does not apply.
  EXPECT_TRUE(analyse_placement(PlacementInput{"", {dump_of({"conv1"}, "CUDA/CUDA")}, true, {}, false}, cuda()).verified());
}

}  // namespace
}  // namespace zoobench
