#pragma once
// Evidence of where a net really ran, in three states. OpenCV falls back to the CPU quietly: the whole
// net ("DNN module was not built with CUDA backend; switching to CPU", a WARNING), single layers ("CUDA
// backend will fallback to the CPU implementation for the layer ...", INFO only), or it demotes
// CUDA_FP16 to CUDA on devices without fast FP16 ("... switching to FP32 target", a WARNING). The
// primary evidence is Net::dump(), which labels every layer with the backend/target it was given
// ("CUDA/CUDA_FP16", "OCV/CPU"); the captured log adds what the dump cannot show (OpenCV 4.10 demotes
// FP16 after labelling, so its dump keeps saying CUDA_FP16: the warning and the device's capability
// are the evidence there). Nothing parsable means "unverified", never "on the GPU".
#include <optional>
#include <string>
#include <vector>

#include "zoobench/plan/backend.hpp"

namespace zoobench {

// The smallest max |diff| that FP16 arithmetic leaves in an output, relative to its largest |value|
// (used by the doctor's probe and by the aggregates' FP16 proof). FP16 keeps 11 significant bits (unit
// roundoff 2^-11 = 4.9e-4) and OpenCV's CUDA_FP16 target stores every intermediate tensor in FP16, so
// an output is off by about 2^-11 of its scale (measured on an H100, benchmarks/results/gpu-h100:
// 3.44e-3 of 7.64 = 4.5e-4); FP32 kernels differ from the CPU by summation order only (measured:
// 1.48e-5 of 7.64 = 1.9e-6). 2^-14 = 6.1e-5 lies 7x below the one and 30x above the other.
inline constexpr double kFp16RoundingFloor = 1.0 / 16384.0;

enum class Placement {
  NotChecked,  // the pair needs no evidence (the CPU)
  OnGpu,       // verified: every labelled layer on the requested backend and target
  Fallback,    // some layers, or the whole net, on the CPU; or FP16 demoted to FP32
  Unverified,  // no net visible, nothing parsable, or a target label that is not the one requested
};

const char* placement_name(Placement p);  // "-", "verified", "fallback", "unverified"

struct LayerPlacement {
  std::string layer;    // layer name
  std::string backend;  // "CUDA", "OCV", ...
  std::string target;   // "CUDA", "CUDA_FP16", "CPU", ...
};

// Layers and their backend/target labels from Net::dump() text.
std::vector<LayerPlacement> parse_net_dump(const std::string& dump);

struct DeviceEvidence {
  Placement state = Placement::NotChecked;
  int layers = 0;                       // labelled layers in the dumps (0 when no dump was readable)
  int gpu_layers = 0;                   // of those, on the requested backend and target
  std::vector<std::string> cpu_layers;  // layers on the CPU (from the dump or named in the log)
  bool whole_net_on_cpu = false;        // every layer on the CPU, or OpenCV said "switching to CPU"
  bool fp16_demoted = false;            // CUDA_FP16 requested, layers set up for CUDA (FP32)
  std::string reason;                   // why it is unverified or fell back, in words
  std::vector<std::string> log_lines;   // OpenCV log lines about backends/fallback, as captured

  bool checked() const { return state != Placement::NotChecked; }
  bool verified() const { return state == Placement::OnGpu; }
  bool fell_back() const { return state == Placement::Fallback; }
  // "GPU 57/57 layers", "CPU FALLBACK: 2/57 layers on CPU: a, b", "FP16 DEMOTED to FP32 (...)",
  // "UNVERIFIED: <reason>", or "" when not checked.
  std::string describe() const;
  // A short cell for tables: "verified 57/57", "FALLBACK 2/57", "FALLBACK whole net", "FP16 DEMOTED",
  // "UNVERIFIED", "-".
  std::string short_text() const;
};

// Combines evidence from several set-ups (input sizes, trials): the worst state wins (fallback over
// unverified over verified), and what each saw is kept.
DeviceEvidence merge_evidence(const DeviceEvidence& a, const DeviceEvidence& b);

// What the run could see of the nets behind one set-up.
struct PlacementInput {
  std::string captured_log;          // OpenCV's log (INFO level) from model construction through the call
  std::vector<std::string> dumps;    // Net::dump() of every net the model exposes, after the call
  bool net_visible = true;           // false when the net is hidden inside an OpenCV API (cv::Tracker)
  std::string hidden_by;             // the API that hides it, e.g. "cv::TrackerVit"
  std::optional<bool> device_runs_fp16;  // whether OpenCV runs FP16 on the GPU used; nullopt: unknown
};

// The evidence for the requested pair; NotChecked for pairs that need none.
DeviceEvidence analyse_placement(const PlacementInput& input, const BackendTarget& requested);

// Lines of the captured log that are about backend choice or fallback (to keep in reports).
std::vector<std::string> relevant_log_lines(const std::string& captured_log);

// OpenCV 4.10's "cuDNN reports version 91.4 which is not compatible with the version 9.14 with which
// OpenCV was built": a false alarm (it decodes cuDNN 9's version number the cuDNN 8 way).
bool is_cudnn9_false_alarm(const std::string& log_line);
// The one explanation of it, for the doctor and for run notes; `proof` says why the runs are fine.
std::string cudnn9_false_alarm_note(const std::string& proof);

// OpenCV's own [ERROR] / [ WARN] lines in a captured log, without INFO chatter.
std::vector<std::string> opencv_warning_lines(const std::string& captured_log);

}  // namespace zoobench
