#pragma once
// `zoo-bench doctor`: is OpenCV's CUDA target really usable here? Build facts, devices, an architecture
// verdict per device, then a live probe of a small network on CUDA and CUDA FP16 that must (a) not fall
// back to the CPU, (b) match the CPU output within a stated tolerance and (c) allocate device memory.
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
  bool ran = false;                 // forward returned
  std::string error;                // OpenCV's exception text when it did not
  double max_abs_diff = 0;          // against the CPU output
  double max_abs_reference = 0;     // largest |CPU output|, the scale of the tolerance
  double relative_tolerance = 0;    // allowed max_abs_diff / max_abs_reference
  long long device_bytes_used = -1;  // drop in free device memory across the probe; -1 = not measurable
  double first_forward_ms = 0;
  double steady_forward_ms = 0;     // median of a few forwards after the first
  DeviceEvidence evidence;
  std::vector<std::string> log_lines;  // every captured OpenCV line mentioning CUDA/cuDNN

  bool matches() const { return ran && max_abs_diff <= relative_tolerance * max_abs_reference; }
  bool used_gpu_memory() const { return device_bytes_used > 0; }
  bool passed() const { return matches() && !evidence.fell_back() && used_gpu_memory(); }
};

struct DoctorReport {
  OpenCVBuildFacts facts;
  std::vector<CudaDevice> devices;
  std::optional<std::string> driver_version;
  std::vector<ArchVerdict> verdicts;  // one per device
  std::vector<ProbeResult> probes;    // CUDA, CUDA_FP16 (empty when the probe could not be attempted)
  std::vector<std::string> problems;  // each with its fix
  std::vector<std::string> notes;     // harmless oddities explained (e.g. OpenCV 4.10's cuDNN 9 warning)

  bool cuda_usable() const { return problems.empty(); }
};

// Turns facts and probe results into problems (each naming its fix) and notes. Pure: no OpenCV calls.
void diagnose(DoctorReport& report);

// Gathers facts, runs the probes, diagnoses.
DoctorReport run_doctor();

void print_doctor(const DoctorReport& report, std::ostream& out);
std::string doctor_json(const DoctorReport& report);

}  // namespace zoobench
