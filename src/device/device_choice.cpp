#include "zoobench/device/device_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <opencv2/core.hpp>
#include <opencv2/core/cuda.hpp>

#include "zoobench/error.hpp"

namespace zoobench {

namespace {

std::string visible_text(const std::vector<CudaDevice>& visible) {
  std::string list;
  for (const auto& d : visible) list += fmt::format("{}{} {}", list.empty() ? "" : ", ", d.index, d.name);
  return fmt::format("{} CUDA device{} visible ({})", visible.size(), visible.size() == 1 ? " is" : "s are", list);
}

}  // namespace

std::string DeviceChoice::text() const {
  if (all) return "all";
  return index ? std::to_string(*index) : "";
}

DeviceChoice parse_device_choice(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  DeviceChoice choice;
  if (lower == "all") {
    choice.all = true;
    return choice;
  }
  const bool digits = !text.empty() && text.size() <= 4 &&
                      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits) {
    throw ConfigError(fmt::format("--device '{}': give a CUDA device index (0, 1, ...) or 'all'", text));
  }
  choice.index = std::stoi(text);
  return choice;
}

std::vector<int> resolve_devices(const DeviceChoice& choice, const std::vector<CudaDevice>& visible) {
  if (!choice.given()) return {};
  if (visible.empty()) {
    throw ConfigError(fmt::format("--device {}: OpenCV sees no CUDA device (OpenCV built without CUDA, no GPU, or "
                                  "CUDA_VISIBLE_DEVICES hides them); run `zoo-bench doctor` to see which",
                                  choice.text()));
  }
  std::vector<int> indices;
  if (choice.all) {
    for (const auto& d : visible) indices.push_back(d.index);
    return indices;
  }
  const bool exists = std::any_of(visible.begin(), visible.end(), [&](const CudaDevice& d) { return d.index == *choice.index; });
  if (!exists) {
    throw ConfigError(fmt::format("--device {}: no such GPU: {}; pick one of those indices or 'all' (nvidia-smi "
                                  "lists the GPUs, CUDA_VISIBLE_DEVICES renumbers them)",
                                  *choice.index, visible_text(visible)));
  }
  return {*choice.index};
}

void bind_thread_to_gpu(int index) {
  try {
    cv::cuda::setDevice(index);
  } catch (const cv::Exception& e) {
    throw DeviceError(fmt::format("cannot use GPU {}: {}", index, e.err.empty() ? e.what() : e.err));
  }
}

long long free_gpu_memory(int index) {
  try {
    return static_cast<long long>(cv::cuda::DeviceInfo(index).freeMemory());
  } catch (const cv::Exception&) {
    return -1;
  }
}

}  // namespace zoobench
