#include "zoobench/device/placement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

namespace zoobench {

namespace {

// The network's input holder: it only holds the host-side input, which every backend copies from.
constexpr const char* kInputLayer = "_input";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

// The message without the logger's prefix: OpenCV 4.6 writes "[ WARN:0@0.05] global
// ./modules/dnn/src/net_impl.cpp (179) setUpNet MESSAGE", 4.10 "[ WARN:0@0.30] global net_impl.cpp:178
// setUpNet MESSAGE".
std::string strip_log_prefix(const std::string& line) {
  static const std::regex prefix_re(R"RE(^\[[^\]]*\]\s+\S+\s+\S+(?:\s+\(\d+\))?\s+\w+\s+)RE");
  return std::regex_replace(line, prefix_re, "");
}

std::string first_line_with(const std::vector<std::string>& lines, const char* what) {
  for (const auto& line : lines) {
    if (contains(line, what)) return strip_log_prefix(line);
  }
  return {};
}

// Layers named in "CUDA backend will fallback to the CPU implementation for the layer "X"" lines.
std::vector<std::string> layers_named_in_log(const std::string& log) {
  std::vector<std::string> names;
  const std::regex layer_re(R"RE(fallback to the CPU implementation for the layer "([^"]+)")RE");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), layer_re); it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[1];
    if (name != kInputLayer && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

std::string joined_names(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < 8; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > 8) text += fmt::format(", ... ({} more)", names.size() - 8);
  return text;
}

int severity(Placement p) {
  switch (p) {
    case Placement::NotChecked: return 0;
    case Placement::OnGpu: return 1;
    case Placement::Unverified: return 2;
    case Placement::Fallback: return 3;
  }
  return 0;
}

// The dumps' verdict; the log's whole-net and per-layer messages are applied afterwards.
void judge_dumps(const std::vector<LayerPlacement>& placements, const BackendTarget& requested,
                 DeviceEvidence& e) {
  std::set<std::string> foreign_targets;
  int demoted = 0;
  for (const auto& p : placements) {
    if (p.layer == kInputLayer) continue;
    ++e.layers;
    if (p.backend != requested.backend_name) {
      e.cpu_layers.push_back(p.layer);
    } else if (p.target == requested.target_name) {
      ++e.gpu_layers;
    } else if (requested.fp16 && p.target == "CUDA") {
      ++demoted;
    } else {
      foreign_targets.insert(p.backend + "/" + p.target);
    }
  }
  if (e.layers == 0) {
    e.state = Placement::Unverified;
    e.reason = "Net::dump() gave no labelled layers";
    return;
  }
  if (demoted > 0) {  // a fact of its own, also when some layers fell back to the CPU
    e.fp16_demoted = true;
    e.reason = fmt::format("{}/{} layers set up for CUDA (FP32) although CUDA_FP16 was requested", demoted, e.layers);
  }
  if (!e.cpu_layers.empty()) {
    e.state = Placement::Fallback;
    e.whole_net_on_cpu = static_cast<int>(e.cpu_layers.size()) == e.layers;
    if (e.whole_net_on_cpu) e.cpu_layers.clear();
    return;
  }
  if (demoted > 0) {
    e.state = Placement::Fallback;
    return;
  }
  if (!foreign_targets.empty()) {
    std::string labels;
    for (const auto& t : foreign_targets) labels += (labels.empty() ? "" : ", ") + t;
    e.state = Placement::Unverified;
    e.reason = fmt::format("layers labelled {} while {}/{} was requested", labels, requested.backend_name,
                           requested.target_name);
    return;
  }
  e.state = Placement::OnGpu;
}

}  // namespace

const char* placement_name(Placement p) {
  switch (p) {
    case Placement::NotChecked: return "-";
    case Placement::OnGpu: return "verified";
    case Placement::Fallback: return "fallback";
    case Placement::Unverified: return "unverified";
  }
  return "?";
}

std::vector<LayerPlacement> parse_net_dump(const std::string& dump) {
  // Each node: "name" [label="...BACKEND/TARGET\n..."]; a fused cluster lists "{a\n... | b\n...}" and
  // one label for all of its layers. Inside the label, line breaks are the two characters '\' 'n'.
  std::vector<LayerPlacement> placements;
  const std::regex node_re(R"RE(\[label="([^"]*)")RE");
  const std::regex tag_re(R"RE(\\[nl]([A-Za-z]+)/([A-Za-z0-9_]+)\\n)RE");
  for (auto it = std::sregex_iterator(dump.begin(), dump.end(), node_re); it != std::sregex_iterator(); ++it) {
    const std::string label = (*it)[1];
    std::string backend, target;
    for (auto t = std::sregex_iterator(label.begin(), label.end(), tag_re); t != std::sregex_iterator(); ++t) {
      backend = (*t)[1];
      target = (*t)[2];
    }
    if (backend.empty()) continue;
    std::string body = label;
    if (!body.empty() && body.front() == '{') body.erase(0, 1);
    std::size_t start = 0;
    while (start <= body.size()) {
      const std::size_t bar = body.find(" | ", start);
      const std::string piece = body.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      const std::string name = piece.substr(0, piece.find("\\n"));
      if (!name.empty()) placements.push_back({name, backend, target});
      if (bar == std::string::npos) break;
      start = bar + 3;
    }
  }
  return placements;
}

std::vector<std::string> relevant_log_lines(const std::string& captured_log) {
  std::vector<std::string> lines;
  for (const auto& line : lines_of(captured_log)) {
    if (contains(line, "switching to") || contains(line, "fallback") || contains(line, "CUDA") ||
        contains(line, "cuDNN") || contains(line, "FP16")) {
      lines.push_back(line);
    }
  }
  return lines;
}

bool is_cudnn9_false_alarm(const std::string& log_line) {
  return contains(log_line, "cuDNN reports version") && contains(log_line, "not compatible");
}

std::string cudnn9_false_alarm_note(const std::string& proof) {
  return "OpenCV 4.10 warns \"cuDNN reports version 91.x which is not compatible with the version 9.x with which "
         "OpenCV was built\": a false alarm (it decodes cuDNN 9's version number the cuDNN 8 way); " + proof;
}

std::vector<std::string> opencv_warning_lines(const std::string& captured_log) {
  std::vector<std::string> lines;
  for (const auto& line : lines_of(captured_log)) {
    if (contains(line, "[ WARN") || contains(line, "[ERROR")) lines.push_back(line);
  }
  return lines;
}

DeviceEvidence analyse_placement(const PlacementInput& input, const BackendTarget& requested) {
  DeviceEvidence e;
  if (!requested.placement_checked) return e;
  const std::vector<std::string> lines = lines_of(input.captured_log);
  e.log_lines = relevant_log_lines(input.captured_log);

  if (input.net_visible) {
    std::vector<LayerPlacement> placements;
    for (const auto& dump : input.dumps) {
      const auto parsed = parse_net_dump(dump);
      placements.insert(placements.end(), parsed.begin(), parsed.end());
    }
    judge_dumps(placements, requested, e);
  } else {
    e.state = Placement::Unverified;
    e.reason = fmt::format("the net is hidden inside {}, which exposes no layer placement",
                           input.hidden_by.empty() ? "an OpenCV API" : input.hidden_by);
  }

  // The log adds what the dump cannot show: a whole-net switch, an FP16 demotion, fused-away layers.
  const std::string switched = first_line_with(lines, "switching to CPU");
  if (!switched.empty()) {
    e.state = Placement::Fallback;
    e.whole_net_on_cpu = true;
    e.cpu_layers.clear();
    e.reason = switched;
    return e;
  }
  // OpenCV 4.10 demotes FP16 in initCUDABackend after the layers got their target label, so the dump
  // still says CUDA_FP16: its warning, or the device's capability, is the evidence.
  const std::string fp32 = first_line_with(lines, "switching to FP32");
  if (!fp32.empty() && requested.fp16) {
    e.state = Placement::Fallback;
    e.fp16_demoted = true;
    e.reason = fp32;
  } else if (requested.fp16 && input.device_runs_fp16 == false && !e.fp16_demoted) {
    e.state = Placement::Fallback;
    e.fp16_demoted = true;
    e.reason = "the GPU's compute capability is below 5.3: OpenCV runs CUDA_FP16 as FP32 there";
  }
  if (e.whole_net_on_cpu) return e;
  for (const auto& name : layers_named_in_log(input.captured_log)) {
    if (std::find(e.cpu_layers.begin(), e.cpu_layers.end(), name) != e.cpu_layers.end()) continue;
    e.cpu_layers.push_back(name);
    if (input.net_visible && e.layers > 0) ++e.layers;  // fused away from the dump, yet run on the CPU
    e.state = Placement::Fallback;
  }
  return e;
}

DeviceEvidence merge_evidence(const DeviceEvidence& a, const DeviceEvidence& b) {
  if (!a.checked()) return b;
  if (!b.checked()) return a;
  const bool b_worse = severity(b.state) > severity(a.state);
  DeviceEvidence worst = b_worse ? b : a;
  const DeviceEvidence& other = b_worse ? a : b;
  for (const auto& name : other.cpu_layers) {
    if (std::find(worst.cpu_layers.begin(), worst.cpu_layers.end(), name) == worst.cpu_layers.end()) {
      worst.cpu_layers.push_back(name);
    }
  }
  worst.whole_net_on_cpu = a.whole_net_on_cpu || b.whole_net_on_cpu;
  worst.fp16_demoted = a.fp16_demoted || b.fp16_demoted;
  for (const auto& line : other.log_lines) {
    if (std::find(worst.log_lines.begin(), worst.log_lines.end(), line) == worst.log_lines.end()) {
      worst.log_lines.push_back(line);
    }
  }
  return worst;
}

std::string DeviceEvidence::describe() const {
  switch (state) {
    case Placement::NotChecked: return {};
    case Placement::OnGpu: return fmt::format("GPU {}/{} layers", gpu_layers, layers);
    case Placement::Unverified: return "UNVERIFIED: " + reason;
    case Placement::Fallback: break;
  }
  if (whole_net_on_cpu) {
    return reason.empty() ? "CPU FALLBACK: whole net on CPU" : fmt::format("CPU FALLBACK: whole net on CPU ({})", reason);
  }
  std::string text;
  if (!cpu_layers.empty()) {
    // A hidden net's size is unknown: only the layers OpenCV's log names can be counted.
    text = layers > 0 ? fmt::format("CPU FALLBACK: {}/{} layers on CPU: {}", cpu_layers.size(), layers,
                                    joined_names(cpu_layers))
                      : fmt::format("CPU FALLBACK: {} layer{} named in OpenCV's log ran on the CPU: {}",
                                    cpu_layers.size(), cpu_layers.size() == 1 ? "" : "s", joined_names(cpu_layers));
  }
  if (fp16_demoted) text += (text.empty() ? "" : "; ") + fmt::format("FP16 DEMOTED to FP32 ({})", reason);
  return text;
}

std::string DeviceEvidence::short_text() const {
  switch (state) {
    case Placement::NotChecked: return "-";
    case Placement::OnGpu: return fmt::format("verified {}/{}", gpu_layers, layers);
    case Placement::Unverified: return "UNVERIFIED";
    case Placement::Fallback: break;
  }
  if (whole_net_on_cpu) return "FALLBACK whole net";
  if (!cpu_layers.empty()) {
    return layers > 0 ? fmt::format("FALLBACK {}/{}", cpu_layers.size(), layers)
                      : fmt::format("FALLBACK {} named", cpu_layers.size());
  }
  return "FP16 DEMOTED";
}

}  // namespace zoobench
