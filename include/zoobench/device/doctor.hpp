#pragma once
// `zoo-bench doctor`: is OpenCV's CUDA target really usable here? Build facts, devices, an architecture
// verdict and the FP16 capability per device, then a live probe of a small network on CUDA and CUDA FP16
// that must (a) be verified on the GPU by Net::dump() and the log (not fallen back, not unverified),
// (b) match the CPU output within a stated tolerance, (c) allocate device memory and, for CUDA_FP16,
// (d) differ from the FP32 results by at least FP16 rounding: OpenCV demotes CUDA_FP16 to FP32 on
// devices without fast FP16, and an FP32 result would pass the FP16 tolerance.
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "zoobench/plan/backend.hpp"
#include "zoobench/device/device.hpp"
#include "zoobench/device/placement.hpp"

namespace zoobench {

struct ProbeResult {
  BackendTarget pair;
  int device = 0;                   // the CUDA device it ran on
  bool ran = false;                 // forward returned
  std::string error;                // OpenCV's exception text when it did not
  double max_abs_diff = 0;          // against the CPU output
  double max_abs_reference = 0;     // largest |CPU output|, the scale of the tolerance
  double relative_tolerance = 0;    // allowed max_abs_diff / max_abs_reference
  // CUDA_FP16 only: max |diff| against the CUDA (FP32) probe's output on the same input; -1 = not
  // compared (another pair, or the FP32 probe did not run).
  double max_abs_diff_vs_fp32 = -1;
  long long device_bytes_used = -1;  // drop in free device memory across the probe; -1 = not measurable
  double first_forward_ms = 0;
  double steady_forward_ms = 0;     // median of a few forwards after the first
  DeviceEvidence evidence;
  std::vector<std::string> log_lines;  // every captured OpenCV line mentioning CUDA/cuDNN

  bool matches() const { return ran && max_abs_diff <= relative_tolerance * max_abs_reference; }
  bool used_gpu_memory() const { return device_bytes_used > 0; }
  // The least |diff| from FP32 results that FP16 kernels would leave at this output's scale.
  double fp16_floor() const { return kFp16RoundingFloor * max_abs_reference; }
  // For CUDA_FP16: the output is neither bit-identical to the FP32 CUDA output nor closer to it, or to
  // the CPU's, than FP16 rounding allows. True for the other pairs, which make no FP16 claim.
  bool fp16_proven() const;
  // An unverified placement fails as a fallback does: the probe exists to prove the GPU ran it.
  bool passed() const { return matches() && evidence.verified() && used_gpu_memory() && fp16_proven(); }
};

// `doctor --device N|all`: whether one GPU can run OpenCV's CUDA target, with what is wrong there.
struct GpuVerdict {
  int index = 0;
  std::string name, uuid;
  bool usable = false;
  std::vector<std::string> problems;  // this GPU's (the build's problems are in every GPU's verdict too)
};

struct DoctorReport {
  OpenCVBuildFacts facts;
  std::vector<CudaDevice> devices;
  std::vector<int> selected;          // --device: the GPUs probed; empty: OpenCV's default device, and
                                      // every visible device's own problems count
  std::vector<GpuVerdict> gpu_verdicts;  // one per selected GPU, in order (set by diagnose())
  std::optional<std::string> driver_version;
  std::vector<ArchVerdict> verdicts;  // one per device
  std::vector<ProbeResult> probes;    // CUDA, CUDA_FP16 (empty when the probe could not be attempted)
  std::vector<std::string> problems;  // each with its fix
  std::vector<std::string> notes;     // harmless oddities explained (e.g. OpenCV 4.10's cuDNN 9 warning)

  bool cuda_usable() const { return problems.empty(); }
};

// Turns facts and probe results into problems (each naming its fix), notes and the per-GPU verdicts.
// Pure: no OpenCV calls.
void diagnose(DoctorReport& report);

// The probes of one device (CUDA, then CUDA_FP16), run from the calling thread.
using DeviceProbe = std::function<std::vector<ProbeResult>(int device)>;

// The report for these facts and devices with `probe` run once per selected device (once on the default
// device when `selected` is empty), when the build has a dnn CUDA backend; then diagnosed.
DoctorReport doctor_with(OpenCVBuildFacts facts, std::vector<CudaDevice> devices,
                         std::optional<std::string> driver_version, std::vector<int> selected, const DeviceProbe& probe);

// Gathers facts, runs the real probes (on each of `selected`, each bound with cv::cuda::setDevice; on
// OpenCV's default device when empty), diagnoses.
DoctorReport run_doctor(const std::vector<int>& selected = {});

void print_doctor(const DoctorReport& report, std::ostream& out);
std::string doctor_json(const DoctorReport& report);

}  // namespace zoobench
