#pragma once
// Evidence of where a net really ran. OpenCV falls back to the CPU quietly: the whole net ("DNN module
// was not built with CUDA backend; switching to CPU", a WARNING) or single layers ("CUDA backend will
// fallback to the CPU implementation for the layer ...", INFO only). We read both signals: OpenCV's log
// lines, captured while the net is set up, and Net::dump(), which labels every layer with the
// backend/target it was given ("CUDA/CUDA_FP16", "OCV/CPU").
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "zoobench/plan/backend.hpp"

namespace zoobench {

// Captures everything written to stdout and stderr (file descriptors 1 and 2) between construction
// and finish(): OpenCV's logger writes INFO lines, such as per-layer CUDA fallback, to stdout and
// warnings to stderr. Restores both on destruction in any case.
class OpenCVLogCapture {
 public:
  OpenCVLogCapture();
  ~OpenCVLogCapture();
  OpenCVLogCapture(const OpenCVLogCapture&) = delete;
  OpenCVLogCapture& operator=(const OpenCVLogCapture&) = delete;

  // Restores stdout and stderr and returns what was written meanwhile.
  std::string finish();

 private:
  int m_saved_stdout = -1;
  int m_saved_stderr = -1;
  int m_capture_fd = -1;
  bool m_finished = false;
};

// Sets OpenCV's log level for a scope (INFO is needed to see per-layer fallback).
class OpenCVLogLevel {
 public:
  explicit OpenCVLogLevel(int level);
  ~OpenCVLogLevel();
  OpenCVLogLevel(const OpenCVLogLevel&) = delete;
  OpenCVLogLevel& operator=(const OpenCVLogLevel&) = delete;

 private:
  int m_previous;
};

struct LayerPlacement {
  std::string layer;    // layer name
  std::string backend;  // "CUDA", "OCV", ...
  std::string target;   // "CUDA", "CUDA_FP16", "CPU", ...
};

// Layers and their backend/target labels from Net::dump() text.
std::vector<LayerPlacement> parse_net_dump(const std::string& dump);

struct DeviceEvidence {
  bool checked = false;                 // true when the target was a CUDA one and evidence was read
  int layers = 0;                       // layers in Net::dump()
  std::vector<std::string> cpu_layers;  // layers OpenCV placed on the CPU although CUDA was asked for
  bool whole_net_on_cpu = false;        // every layer on the CPU, or OpenCV said "switching to CPU"
  std::vector<std::string> log_lines;   // OpenCV log lines about backends/fallback, as captured

  bool fell_back() const { return whole_net_on_cpu || !cpu_layers.empty(); }
  // "CPU FALLBACK: whole net on CPU (DNN module was not built with CUDA backend)" or
  // "CPU FALLBACK: 2/57 layers on CPU: a, b" or "" when none.
  std::string describe() const;
};

// Combines the captured log text and the net's dump into evidence for the requested pair.
DeviceEvidence analyse_placement(const std::string& captured_log, const std::string& net_dump,
                                 const BackendTarget& requested);

// Writes the captured log's warning and error lines back to stderr (INFO chatter is dropped).
void reemit_warnings(const std::string& captured_log);

// Lines of the captured log that are about backend choice or fallback (to keep in reports).
std::vector<std::string> relevant_log_lines(const std::string& captured_log);

}  // namespace zoobench
