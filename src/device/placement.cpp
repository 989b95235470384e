#include "zoobench/device/placement.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <cstdlib>
#include <regex>
#include <sstream>

#include <opencv2/core/utils/logger.hpp>

#include "zoobench/error.hpp"

namespace zoobench {

OpenCVLogCapture::OpenCVLogCapture() {
  std::fflush(stdout);
  std::fflush(stderr);
  std::cout.flush();
  char path[] = "/tmp/zoo-bench-log-XXXXXX";
  m_capture_fd = ::mkstemp(path);
  if (m_capture_fd < 0) throw Error("cannot create a temporary file to capture OpenCV's log (is /tmp writable?)");
  ::unlink(path);
  m_saved_stdout = ::dup(STDOUT_FILENO);
  m_saved_stderr = ::dup(STDERR_FILENO);
  ::dup2(m_capture_fd, STDOUT_FILENO);
  ::dup2(m_capture_fd, STDERR_FILENO);
}

OpenCVLogCapture::~OpenCVLogCapture() {
  if (!m_finished) finish();
  if (m_capture_fd >= 0) ::close(m_capture_fd);
}

std::string OpenCVLogCapture::finish() {
  if (m_finished) return {};
  m_finished = true;
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(m_saved_stdout, STDOUT_FILENO);
  ::dup2(m_saved_stderr, STDERR_FILENO);
  ::close(m_saved_stdout);
  ::close(m_saved_stderr);
  std::string text;
  ::lseek(m_capture_fd, 0, SEEK_SET);
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(m_capture_fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

OpenCVLogLevel::OpenCVLogLevel(int level)
    : m_previous(cv::utils::logging::setLogLevel(static_cast<cv::utils::logging::LogLevel>(level))) {}

OpenCVLogLevel::~OpenCVLogLevel() {
  cv::utils::logging::setLogLevel(static_cast<cv::utils::logging::LogLevel>(m_previous));
}

namespace {
constexpr const char* kInputLayer = "_input";
}  // namespace

std::vector<LayerPlacement> parse_net_dump(const std::string& dump) {
  // Each node: "name" [label="...BACKEND/TARGET\n..."]; a fused cluster lists "{a\n... | b\n...}" and
  // one label for all of its layers. Inside the label, line breaks are the two characters '\' 'n'.
  std::vector<LayerPlacement> placements;
  const std::regex node_re(R"RE(\[label="([^"]*)")RE");
  const std::regex tag_re(R"RE(\\[nl]([A-Za-z]+)/([A-Za-z0-9_]+)\\n)RE");
  for (auto it = std::sregex_iterator(dump.begin(), dump.end(), node_re); it != std::sregex_iterator(); ++it) {
    const std::string label = (*it)[1];
    std::smatch tag;
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

void reemit_warnings(const std::string& captured_log) {
  std::istringstream lines(captured_log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("[ WARN") != std::string::npos || line.find("[ERROR") != std::string::npos) {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  }
}

std::vector<std::string> relevant_log_lines(const std::string& captured_log) {
  std::vector<std::string> lines;
  std::istringstream in(captured_log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("switching to CPU") != std::string::npos || line.find("fallback") != std::string::npos ||
        line.find("CUDA") != std::string::npos || line.find("cuDNN") != std::string::npos) {
      lines.push_back(line);
    }
  }
  return lines;
}

std::string DeviceEvidence::describe() const {
  if (whole_net_on_cpu) {
    for (const auto& line : log_lines) {
      const auto pos = line.find("switching to CPU");
      if (pos != std::string::npos) {
        // Keep the message, without the logger's prefix: OpenCV 4.6 writes "[ WARN:0@0.05] global
        // ./modules/dnn/src/net_impl.cpp (179) setUpNet MESSAGE", 4.10 "[ WARN:0@0.30] global
        // net_impl.cpp:178 setUpNet MESSAGE".
        static const std::regex prefix_re(R"RE(^\[[^\]]*\]\s+\S+\s+\S+(?:\s+\(\d+\))?\s+\w+\s+)RE");
        const std::string why = std::regex_replace(line, prefix_re, "");
        return fmt::format("CPU FALLBACK: whole net on CPU ({})", why);
      }
    }
    return "CPU FALLBACK: whole net on CPU";
  }
  if (cpu_layers.empty()) return {};
  std::string names;
  for (std::size_t i = 0; i < cpu_layers.size() && i < 8; ++i) names += (i ? ", " : "") + cpu_layers[i];
  if (cpu_layers.size() > 8) names += fmt::format(", ... ({} more)", cpu_layers.size() - 8);
  return fmt::format("CPU FALLBACK: {}/{} layers on CPU: {}", cpu_layers.size(), layers, names);
}

DeviceEvidence analyse_placement(const std::string& captured_log, const std::string& net_dump,
                                 const BackendTarget& requested) {
  DeviceEvidence evidence;
  if (!requested.is_cuda()) return evidence;
  evidence.checked = true;
  evidence.log_lines = relevant_log_lines(captured_log);
  const std::vector<LayerPlacement> placements = parse_net_dump(net_dump);

  int on_cuda = 0;
  for (const auto& p : placements) {
    if (p.layer == kInputLayer) continue;
    if (p.backend == "CUDA") ++on_cuda;
    else evidence.cpu_layers.push_back(p.layer);
  }
  evidence.layers = on_cuda + static_cast<int>(evidence.cpu_layers.size());
  const bool said_switching = captured_log.find("switching to CPU") != std::string::npos;
  evidence.whole_net_on_cpu = said_switching || (!placements.empty() && on_cuda == 0);
  if (evidence.whole_net_on_cpu) evidence.cpu_layers.clear();
  // Layers named in "CUDA backend will fallback ... for the layer "X"" lines but fused away from the
  // dump still ran on the CPU.
  const std::regex layer_re(R"RE(fallback to the CPU implementation for the layer "([^"]+)")RE");
  for (auto it = std::sregex_iterator(captured_log.begin(), captured_log.end(), layer_re);
       it != std::sregex_iterator() && !evidence.whole_net_on_cpu; ++it) {
    const std::string name = (*it)[1];
    // OpenCV names the network's input holder ("_input", __NetInputLayer__) too: it only holds the
    // host-side input, which every backend copies from, so it is no fallback.
    if (name == kInputLayer) continue;
    if (std::find(evidence.cpu_layers.begin(), evidence.cpu_layers.end(), name) == evidence.cpu_layers.end()) {
      evidence.cpu_layers.push_back(name);
      ++evidence.layers;
    }
  }
  return evidence;
}

}  // namespace zoobench
