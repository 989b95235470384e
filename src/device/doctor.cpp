#include "zoobench/device/doctor.hpp"
#include "zoobench/device/device_choice.hpp"
#include "zoobench/error.hpp"
#include "zoobench/measure/clock.hpp"
#include "zoobench/measure/log_capture.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include <opencv2/core/cuda.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>

#include "zoobench/report/json_text.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

namespace {

// Tolerances for the probe's output against the CPU, relative to the largest |CPU output|: FP32 kernels
// differ from the CPU's only by summation order; FP16 keeps about three significant digits.
constexpr double kToleranceCuda = 1e-3;
constexpr double kToleranceCudaFp16 = 3e-2;
constexpr int kSteadyForwards = 5;

void add_layer(cv::dnn::Net& net, cv::dnn::LayerParams params, const std::string& type, const std::string& name) {
  params.type = type;
  params.name = name;
  net.addLayerToPrev(name, type, params);
}

cv::Mat random_blob(cv::RNG& rng, const std::vector<int>& shape) {
  cv::Mat blob(static_cast<int>(shape.size()), shape.data(), CV_32F);
  rng.fill(blob, cv::RNG::UNIFORM, -0.5, 0.5);
  return blob;
}

// A small convolutional network built in code (no model file needed): conv-relu-pool, conv-relu,
// global average pool, fully connected. Same weights every time (fixed seed).
cv::dnn::Net make_probe_net() {
  cv::RNG rng(20261121);
  cv::dnn::Net net;
  auto conv = [&](const std::string& name, int in, int out) {
    cv::dnn::LayerParams p;
    p.set("kernel_size", 3);
    p.set("pad", 1);
    p.set("num_output", out);
    p.set("bias_term", true);
    p.blobs = {random_blob(rng, {out, in, 3, 3}), random_blob(rng, {1, out})};
    add_layer(net, p, "Convolution", name);
    add_layer(net, cv::dnn::LayerParams(), "ReLU", name + "_relu");
  };
  conv("probe_conv1", 3, 32);
  cv::dnn::LayerParams pool;
  pool.set("pool", "max");
  pool.set("kernel_size", 2);
  pool.set("stride", 2);
  add_layer(net, pool, "Pooling", "probe_pool1");
  conv("probe_conv2", 32, 64);
  cv::dnn::LayerParams gap;
  gap.set("pool", "ave");
  gap.set("global_pooling", true);
  add_layer(net, gap, "Pooling", "probe_gap");
  cv::dnn::LayerParams fc;
  fc.set("num_output", 16);
  fc.set("bias_term", true);
  fc.blobs = {random_blob(rng, {16, 64}), random_blob(rng, {1, 16})};
  add_layer(net, fc, "InnerProduct", "probe_fc");
  return net;
}

cv::Mat probe_input() {
  cv::RNG rng(7);
  return random_blob(rng, {1, 3, 224, 224});
}


long long free_device_memory(int device) {
  try {
    if (cv::cuda::getCudaEnabledDeviceCount() <= device) return -1;
    return free_gpu_memory(device);
  } catch (const cv::Exception&) {
    return -1;
  }
}

double max_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat diff;
  cv::absdiff(a.reshape(1, 1), b.reshape(1, 1), diff);
  double max_diff = 0;
  cv::minMaxIdx(diff, nullptr, &max_diff);
  return max_diff;
}

// A probe's result and its output, which the CUDA_FP16 probe is compared with.
struct ProbeRun {
  ProbeResult result;
  cv::Mat output;
};

// The first forward, timed, with OpenCV's log captured: the net is set up inside it, which is where
// OpenCV logs a fallback or an FP16 demotion.
cv::Mat first_forward(cv::dnn::Net& net, ProbeResult& result, std::string& log) {
  cv::Mat output;
  try {
    with_captured_log(log, [&] {
      const auto start = Clock::now();
      output = net.forward().clone();
      result.first_forward_ms = ms_since(start);
      result.ran = true;
    });
  } catch (const cv::Exception& e) {
    result.error = e.err.empty() ? e.what() : e.err;
  }
  return output;
}

double steady_forward_ms(cv::dnn::Net& net) {
  std::vector<double> times;
  for (int i = 0; i < kSteadyForwards; ++i) {
    const auto start = Clock::now();
    net.forward();
    times.push_back(ms_since(start));
  }
  return stats::median(times);
}

ProbeRun run_probe(const BackendTarget& pair, const cv::Mat& reference, int device) {
  ProbeRun run;
  ProbeResult& result = run.result;
  result.pair = pair;
  result.device = device;
  result.relative_tolerance = pair.fp16 ? kToleranceCudaFp16 : kToleranceCuda;
  cv::minMaxIdx(cv::abs(reference), nullptr, &result.max_abs_reference);

  const long long free_before = free_device_memory(device);
  cv::dnn::Net net = make_probe_net();
  net.setPreferableBackend(pair.backend);
  net.setPreferableTarget(pair.target);
  net.setInput(probe_input());
  std::string log;
  run.output = first_forward(net, result, log);
  result.log_lines = relevant_log_lines(log);
  if (!result.ran) return run;
  const long long free_after = free_device_memory(device);
  if (free_before >= 0 && free_after >= 0) result.device_bytes_used = free_before - free_after;

  result.steady_forward_ms = steady_forward_ms(net);
  result.evidence = analyse_placement(PlacementInput{log, {net.dump()}, true, {}, {}}, pair);
  result.max_abs_diff = max_abs_diff(run.output, reference);
  return run;
}

std::string archs_text(const std::vector<GpuArch>& archs) {
  std::string out;
  for (const auto& a : archs) out += (out.empty() ? "" : " ") + a.text();
  return out.empty() ? "-" : out;
}

std::string mib(std::size_t bytes) { return fmt::format("{:.0f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0)); }

// Problems of the OpenCV build; false when it has no CUDA at all, which makes every other check moot.
bool diagnose_build(DoctorReport& report) {
  const OpenCVBuildFacts& f = report.facts;
  const std::string rebuild = "rebuild OpenCV with scripts/build_opencv_cuda.sh and configure zoo-bench with "
                              "-DOpenCV_DIR=<prefix>/lib/cmake/opencv4";
  if (!f.cuda) {
    report.problems.push_back(fmt::format("OpenCV {} was built without CUDA, so DNN_TARGET_CUDA silently runs on the "
                                          "CPU: {}",
                                          f.version, rebuild));
    return false;
  }
  if (!f.dnn_cuda_backend) {
    report.problems.push_back(fmt::format("OpenCV {} has CUDA but its dnn module has no CUDA backend (OPENCV_DNN_CUDA "
                                          "off or cuDNN missing at build time): {}",
                                          f.version, rebuild));
  }
  if (!f.cudnn) {
    report.problems.push_back("OpenCV was built without cuDNN, which the dnn CUDA backend needs: install cuDNN and " +
                              rebuild);
  }
  return true;
}

bool is_selected(const DoctorReport& report, int index) {
  return report.selected.empty() ||
         std::find(report.selected.begin(), report.selected.end(), index) != report.selected.end();
}

void diagnose_devices(DoctorReport& report) {
  if (report.devices.empty()) {
    report.problems.push_back("no CUDA device is visible (check nvidia-smi, the driver, and CUDA_VISIBLE_DEVICES)");
  }
  for (std::size_t i = 0; i < report.devices.size(); ++i) {
    const CudaDevice& d = report.devices[i];
    if (!is_selected(report, d.index)) continue;  // doctor --device N judges GPU N only
    if (i < report.verdicts.size() && !report.verdicts[i].runnable) {
      report.problems.push_back(fmt::format(
          "GPU {} ({}, compute capability {}): OpenCV's kernels cannot run there: {}; rebuild with "
          "scripts/build_opencv_cuda.sh --cuda-arch-bin {} (add --ptx to also embed PTX for newer GPUs)",
          d.index, d.name, d.compute_capability.text(), report.verdicts[i].reason, d.compute_capability.text()));
    }
    // A device fact, not a probe result: OpenCV demotes FP16 there whatever the probe shows.
    if (!d.opencv_fp16) {
      report.problems.push_back(fmt::format(
          "GPU {} ({}, compute capability {}) has no fast FP16: OpenCV's dnn needs compute capability 5.3 or later "
          "and otherwise runs DNN_TARGET_CUDA_FP16 as FP32 CUDA ('switching to FP32 target'), so CUDA_FP16 rows "
          "there would be FP32; use CUDA (backend-target 1) on this GPU, or a newer GPU for FP16",
          d.index, d.name, d.compute_capability.text()));
    }
  }
}

// Where the probe ran, in words, when it is not verified on the GPU.
std::string placement_problem(const ProbeResult& p) {
  const DeviceEvidence& e = p.evidence;
  if (e.fell_back() && e.fp16_demoted && e.cpu_layers.empty() && !e.whole_net_on_cpu) {
    return fmt::format("the probe network on {} ran as FP32, not FP16: {}", p.pair.name, e.describe());
  }
  if (e.fell_back()) return fmt::format("the probe network on {} fell back to the CPU: {}", p.pair.name, e.describe());
  return fmt::format("the probe network on {} is not verified on the GPU ({}): Net::dump() and OpenCV's log do not "
                     "show its layers on {}/{}",
                     p.pair.name, e.checked() ? e.describe() : "placement not checked", p.pair.backend_name,
                     p.pair.target_name);
}

std::string fp16_problem(const ProbeResult& p) {
  const std::string vs_fp32 =
      p.max_abs_diff_vs_fp32 < 0 ? "not compared" : fmt::format("{:.3g}", p.max_abs_diff_vs_fp32);
  return fmt::format("the probe network on {}: FP16 not proven: output identical to FP32 (max |diff| from the CUDA "
                     "FP32 output {}, from the CPU {:.3g}; FP16 rounding leaves at least {:.3g}), so OpenCV ran FP32 "
                     "kernels and CUDA_FP16 rows would be FP32",
                     p.pair.name, vs_fp32, p.max_abs_diff, p.fp16_floor());
}

void diagnose_probe(const ProbeResult& p, std::vector<std::string>& problems) {
  if (!p.ran) {
    problems.push_back(fmt::format("the probe network failed on {}: {}", p.pair.name, p.error));
    return;
  }
  if (!p.evidence.verified()) problems.push_back(placement_problem(p));
  if (!p.matches()) {
    problems.push_back(fmt::format("the probe network on {} differs from the CPU: max |diff| {:.3g} > {:.3g} "
                                   "(relative tolerance {} of max |output| {:.3g})",
                                   p.pair.name, p.max_abs_diff, p.relative_tolerance * p.max_abs_reference,
                                   p.relative_tolerance, p.max_abs_reference));
  }
  if (!p.evidence.fell_back() && !p.used_gpu_memory()) {
    problems.push_back(fmt::format("the probe network on {} allocated no device memory (free memory did not "
                                   "drop), so it did not run on the GPU",
                                   p.pair.name));
  }
  if (!p.fp16_proven()) problems.push_back(fp16_problem(p));
}

// Explains OpenCV 4.10's cuDNN 9 version warning, only when the probes show cuDNN working.
void explain_cudnn_warning(DoctorReport& report) {
  const bool probes_passed = !report.probes.empty() &&
                             std::all_of(report.probes.begin(), report.probes.end(),
                                         [](const ProbeResult& p) { return p.passed(); });
  if (!probes_passed) return;
  for (const auto& p : report.probes) {
    for (const auto& line : p.log_lines) {
      if (is_cudnn9_false_alarm(line)) {
        report.notes.push_back(cudnn9_false_alarm_note("the probes above ran correctly on cuDNN."));
        return;
      }
    }
  }
}

}  // namespace

bool ProbeResult::fp16_proven() const {
  if (!pair.fp16) return true;
  if (!ran) return false;
  // Written as "> 0 and >= floor" so that a zero floor (an all-zero output) or a NaN proves nothing.
  const auto shows_fp16 = [this](double diff) { return diff > 0 && diff >= fp16_floor(); };
  if (max_abs_diff_vs_fp32 >= 0 && !shows_fp16(max_abs_diff_vs_fp32)) return false;
  return shows_fp16(max_abs_diff);
}

namespace {

// One verdict per selected GPU: the build's problems, then the GPU's own (device facts and its probes,
// found by the "GPU n" the problem lines of a multi-GPU doctor start with, or all when one GPU).
void judge_each_gpu(DoctorReport& report, std::size_t build_problems) {
  report.gpu_verdicts.clear();
  for (const int index : report.selected) {
    GpuVerdict v;
    v.index = index;
    for (const auto& d : report.devices) {
      if (d.index == index) v.name = d.name, v.uuid = d.uuid;
    }
    const std::string tag = fmt::format("GPU {} ", index), probe_tag = fmt::format("GPU {}: ", index);
    for (std::size_t i = 0; i < report.problems.size(); ++i) {
      const std::string& p = report.problems[i];
      if (i < build_problems || p.rfind(tag, 0) == 0 || p.rfind(probe_tag, 0) == 0) v.problems.push_back(p);
    }
    const bool probed = std::any_of(report.probes.begin(), report.probes.end(),
                                    [&](const ProbeResult& p) { return p.device == index; });
    if (!probed && v.problems.empty()) v.problems.push_back(fmt::format("GPU {}: not probed", index));
    v.usable = v.problems.empty();
    report.gpu_verdicts.push_back(std::move(v));
  }
}

}  // namespace

void diagnose(DoctorReport& report) {
  report.problems.clear();
  report.notes.clear();
  const bool build_ok = diagnose_build(report);
  const std::size_t build_problems = report.problems.size();
  if (build_ok) {
    diagnose_devices(report);
    for (const auto& p : report.probes) {
      std::vector<std::string> found;
      diagnose_probe(p, found);
      // With --device, every probe line names its GPU so that each GPU's verdict can be told apart.
      for (auto& f : found) report.problems.push_back(report.selected.empty() ? f : fmt::format("GPU {}: {}", p.device, f));
    }
    explain_cudnn_warning(report);
  }
  judge_each_gpu(report, build_problems);
}

DoctorReport doctor_with(OpenCVBuildFacts facts, std::vector<CudaDevice> devices,
                         std::optional<std::string> driver_version, std::vector<int> selected, const DeviceProbe& probe) {
  DoctorReport report;
  report.facts = std::move(facts);
  report.devices = std::move(devices);
  report.driver_version = std::move(driver_version);
  report.selected = std::move(selected);
  for (const auto& d : report.devices) {
    report.verdicts.push_back(arch_verdict(d.compute_capability, report.facts.arch_bin, report.facts.arch_ptx));
  }
  if (report.facts.cuda && report.facts.dnn_cuda_backend) {
    const std::vector<int> targets = report.selected.empty() ? std::vector<int>{0} : report.selected;
    for (const int device : targets) {
      for (auto& p : probe(device)) report.probes.push_back(std::move(p));
    }
  }
  diagnose(report);
  return report;
}

namespace {

// The real probes on `device`; `bind` when the doctor was asked for that device by index.
std::vector<ProbeResult> probe_device(int device, bool bind) {
  if (bind) {
    try {
      bind_thread_to_gpu(device);
    } catch (const Error& e) {
      std::vector<ProbeResult> refused;
      for (const int index : {1, 2}) {
        ProbeResult p;
        p.pair = backend_target_at(index);
        p.device = device;
        p.error = e.what();
        refused.push_back(p);
      }
      return refused;
    }
  }
  cv::dnn::Net cpu = make_probe_net();
  cpu.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  cpu.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  cpu.setInput(probe_input());
  const cv::Mat reference = cpu.forward().clone();
  const ProbeRun fp32 = run_probe(backend_target_at(1), reference, device);
  ProbeRun fp16 = run_probe(backend_target_at(2), reference, device);
  // The same input through FP32 CUDA: a demoted FP16 target gives (nearly) the same output bit for bit.
  if (fp32.result.ran && fp16.result.ran) fp16.result.max_abs_diff_vs_fp32 = max_abs_diff(fp16.output, fp32.output);
  return {fp32.result, fp16.result};
}

}  // namespace

DoctorReport run_doctor(const std::vector<int>& selected) {
  const bool bind = !selected.empty();
  return doctor_with(current_build_facts(), cuda_devices(), cuda_driver_version(), selected,
                     [bind](int device) { return probe_device(device, bind); });
}

namespace {

void print_facts(const OpenCVBuildFacts& f, std::ostream& out) {
  fmt::print(out, "OpenCV\n  version:          {}{}\n", f.version,
             f.configuration.empty() ? "" : fmt::format(" ({})", f.configuration));
  fmt::print(out, "  CUDA:             {}\n", f.cuda ? fmt::format("yes, CUDA {} ({})", f.cuda_version, f.cuda_features) : "no");
  if (f.cuda) {
    fmt::print(out, "  CUDA_ARCH_BIN:    {}\n  CUDA_ARCH_PTX:    {}\n", archs_text(f.arch_bin), archs_text(f.arch_ptx));
    fmt::print(out, "  cuDNN:            {}\n", f.cudnn ? "yes, " + f.cudnn_version : "no");
    fmt::print(out, "  dnn CUDA backend: {}\n", f.dnn_cuda_backend ? "yes" : "no");
  }
}

std::string fp16_capability_text(const CudaDevice& d) {
  return d.opencv_fp16 ? "yes (compute capability >= 5.3)"
                       : "NO (compute capability < 5.3: OpenCV runs CUDA_FP16 as FP32 here)";
}

void print_devices(const DoctorReport& r, std::ostream& out) {
  fmt::print(out, "\nCUDA devices (driver {})\n", r.driver_version.value_or("not found"));
  if (r.devices.empty()) fmt::print(out, "  none visible to OpenCV\n");
  for (std::size_t i = 0; i < r.devices.size(); ++i) {
    const CudaDevice& d = r.devices[i];
    fmt::print(out, "  GPU {}: {}, compute capability {}, {} total, {} free\n", d.index, d.name,
               d.compute_capability.text(), mib(d.total_memory), mib(d.free_memory));
    if (i < r.verdicts.size()) {
      fmt::print(out, "    kernels: {} ({}); OpenCV isCompatible: {}\n", r.verdicts[i].runnable ? "OK" : "CANNOT RUN",
                 r.verdicts[i].reason, d.opencv_compatible ? "yes" : "no");
    }
    fmt::print(out, "    FP16: {}\n", fp16_capability_text(d));
  }
}

void print_probe(const ProbeResult& p, bool name_gpu, std::ostream& out) {
  if (name_gpu) fmt::print(out, "  GPU {}", p.device);
  if (!p.ran) {
    fmt::print(out, "  {:<10} FAILED: {}\n", p.pair.name, p.error);
    return;
  }
  fmt::print(out,
             "  {:<10} {}: max |diff| {:.3g} (limit {:.3g}), device memory used {}, {}, first forward {:.2f} ms, "
             "then {:.3f} ms\n",
             p.pair.name, p.passed() ? "PASS" : "FAIL", p.max_abs_diff, p.relative_tolerance * p.max_abs_reference,
             p.device_bytes_used >= 0 ? mib(static_cast<std::size_t>(std::max(0LL, p.device_bytes_used))) : "unknown",
             p.evidence.checked() ? p.evidence.describe() : "placement not checked", p.first_forward_ms,
             p.steady_forward_ms);
  if (p.pair.fp16) {
    fmt::print(out, "  {:<10} FP16 proof: max |diff| from CUDA FP32 {}, FP16 rounding floor {:.3g}: {}\n", "",
               p.max_abs_diff_vs_fp32 < 0 ? "not compared" : fmt::format("{:.3g}", p.max_abs_diff_vs_fp32),
               p.fp16_floor(), p.fp16_proven() ? "FP16 kernels ran" : "NOT PROVEN");
  }
}

}  // namespace

void print_doctor(const DoctorReport& r, std::ostream& out) {
  print_facts(r.facts, out);
  print_devices(r, out);
  if (!r.probes.empty()) fmt::print(out, "\nLive probe (conv net, 1x3x224x224; compared with the CPU)\n");
  for (const auto& p : r.probes) print_probe(p, !r.selected.empty(), out);
  for (const auto& note : r.notes) fmt::print(out, "\nNote: {}\n", note);
  if (!r.gpu_verdicts.empty()) fmt::print(out, "\nVerdict per GPU\n");
  for (const auto& v : r.gpu_verdicts) {
    fmt::print(out, "  GPU {} ({}, {}): {}\n", v.index, v.name.empty() ? "unknown" : v.name,
               v.uuid.empty() ? "UUID unknown" : v.uuid,
               v.usable ? "usable" : fmt::format("NOT usable: {} problem{}", v.problems.size(), v.problems.size() == 1 ? "" : "s"));
  }
  if (r.cuda_usable()) {
    fmt::print(out, "\nVerdict: the CUDA target is usable: OpenCV's dnn runs on the GPU here.\n");
  } else {
    fmt::print(out, "\nVerdict: the CUDA target is NOT usable:\n");
    for (const auto& problem : r.problems) fmt::print(out, "  - {}\n", problem);
  }
}

namespace {

nlohmann::json probe_json(const ProbeResult& p) {
  using nlohmann::json;
  const DeviceEvidence& e = p.evidence;
  return {{"target", p.pair.name}, {"device", p.device}, {"ran", p.ran}, {"error", p.error}, {"passed", p.passed()},
          {"max_abs_diff", p.max_abs_diff}, {"tolerance", p.relative_tolerance * p.max_abs_reference},
          {"max_abs_diff_vs_fp32", p.max_abs_diff_vs_fp32 < 0 ? json(nullptr) : json(p.max_abs_diff_vs_fp32)},
          {"fp16_floor", p.pair.fp16 ? json(p.fp16_floor()) : json(nullptr)},
          {"fp16_proven", p.pair.fp16 ? json(p.fp16_proven()) : json(nullptr)},
          {"device_bytes_used", p.device_bytes_used}, {"placement", placement_name(e.state)},
          {"placement_detail", e.describe()}, {"cpu_fallback", e.fell_back()}, {"fp16_demoted", e.fp16_demoted},
          {"layers", e.layers}, {"first_forward_ms", p.first_forward_ms}, {"steady_forward_ms", p.steady_forward_ms},
          {"log", p.log_lines}};
}

}  // namespace

std::string doctor_json(const DoctorReport& r) {
  using nlohmann::json;
  const OpenCVBuildFacts& f = r.facts;
  auto archs = [](const std::vector<GpuArch>& a) {
    json list = json::array();
    for (const auto& x : a) list.push_back(x.text());
    return list;
  };
  json j = {{"schema_version", 1},
            {"opencv", {{"version", f.version}, {"configuration", f.configuration}, {"cuda", f.cuda},
                        {"cuda_version", f.cuda_version}, {"arch_bin", archs(f.arch_bin)}, {"arch_ptx", archs(f.arch_ptx)},
                        {"cudnn", f.cudnn}, {"cudnn_version", f.cudnn_version}, {"dnn_cuda_backend", f.dnn_cuda_backend}}},
            {"driver_version", r.driver_version ? json(*r.driver_version) : json(nullptr)},
            {"cuda_usable", r.cuda_usable()},
            {"problems", r.problems},
            {"notes", r.notes}};
  j["devices"] = json::array();
  for (std::size_t i = 0; i < r.devices.size(); ++i) {
    const CudaDevice& d = r.devices[i];
    j["devices"].push_back({{"index", d.index}, {"name", d.name}, {"compute_capability", d.compute_capability.text()},
                            {"total_memory", d.total_memory}, {"opencv_compatible", d.opencv_compatible},
                            {"opencv_fp16", d.opencv_fp16}, {"uuid", d.uuid}, {"pci_bus_id", d.pci_bus_id},
                            {"kernels_runnable", i < r.verdicts.size() && r.verdicts[i].runnable},
                            {"verdict", i < r.verdicts.size() ? r.verdicts[i].reason : ""}});
  }
  j["probes"] = json::array();
  for (const auto& p : r.probes) j["probes"].push_back(probe_json(p));
  j["selected_devices"] = r.selected;
  j["gpu_verdicts"] = json::array();
  for (const auto& v : r.gpu_verdicts) {
    j["gpu_verdicts"].push_back({{"index", v.index}, {"name", v.name}, {"uuid", v.uuid}, {"usable", v.usable},
                                 {"problems", v.problems}});
  }
  return json_text(j, 2) + "\n";
}

}  // namespace zoobench
