#include "zoobench/device/device.hpp"
#include "zoobench/device/gpu_identity.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <initializer_list>

#include <fstream>

#include <algorithm>
#include <regex>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/core/cuda.hpp>
#include <opencv2/dnn.hpp>

namespace zoobench {

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::vector<GpuArch> parse_arch_list(const std::string& text) {
  std::vector<GpuArch> archs;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    // "90", "8.6" or "86" all mean one architecture; "(...)" suffixes name the PTX feature level.
    word = word.substr(0, word.find('('));
    word.erase(std::remove(word.begin(), word.end(), '.'), word.end());
    if (word.empty() || word.find_first_not_of("0123456789") != std::string::npos) continue;
    const int value = std::stoi(word);
    archs.push_back({value / 10, value % 10});
  }
  return archs;
}

}  // namespace

std::string GpuArch::text() const { return fmt::format("{}.{}", major, minor); }

OpenCVBuildFacts parse_build_information(const std::string& text) {
  OpenCVBuildFacts facts;
  std::istringstream lines(text);
  std::string line;
  const std::regex version_re(R"(ver\s+([0-9][0-9.]*))");
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    std::smatch m;
    if (key == "NVIDIA CUDA") {
      facts.cuda = value.rfind("YES", 0) == 0;
      if (std::regex_search(value, m, version_re)) facts.cuda_version = m[1];
      const auto comma = value.find(',');
      if (comma != std::string::npos) facts.cuda_features = trim(value.substr(comma + 1, value.find(')') - comma - 1));
    } else if (key == "NVIDIA GPU arch") {
      facts.arch_bin = parse_arch_list(value);
    } else if (key == "NVIDIA PTX archs") {
      facts.arch_ptx = parse_arch_list(value);
    } else if (key == "cuDNN") {
      facts.cudnn = value.rfind("YES", 0) == 0;
      if (std::regex_search(value, m, version_re)) facts.cudnn_version = m[1];
    } else if (key == "Configuration" && facts.configuration.empty()) {
      facts.configuration = value;
    }
  }
  return facts;
}

OpenCVBuildFacts current_build_facts() {
  OpenCVBuildFacts facts = parse_build_information(cv::getBuildInformation());
  facts.version = CV_VERSION;
  try {
    facts.dnn_cuda_backend = !cv::dnn::getAvailableTargets(cv::dnn::DNN_BACKEND_CUDA).empty();
  } catch (const cv::Exception&) {
    facts.dnn_cuda_backend = false;
  }
  return facts;
}

bool opencv_runs_fp16(const GpuArch& compute_capability) {
  // The same arithmetic as OpenCV's check (not a comparison of (major, minor) pairs), so that a
  // capability OpenCV would misjudge is misjudged the same way here.
  return compute_capability.major * 10 + compute_capability.minor >= 53;
}

std::vector<CudaDevice> cuda_devices() {
  std::vector<CudaDevice> devices;
  try {
    const int count = cv::cuda::getCudaEnabledDeviceCount();
    for (int i = 0; i < count; ++i) {
      const cv::cuda::DeviceInfo info(i);
      CudaDevice d;
      d.index = i;
      d.name = info.name();
      d.compute_capability = {info.majorVersion(), info.minorVersion()};
      info.queryMemory(d.total_memory, d.free_memory);
      d.opencv_compatible = info.isCompatible();
      d.opencv_fp16 = opencv_runs_fp16(d.compute_capability);
      if (const auto identity = gpu_identity(i)) {
        d.uuid = identity->uuid;
        d.pci_bus_id = identity->pci_bus_id;
      }
      devices.push_back(d);
    }
  } catch (const cv::Exception&) {
    // No CUDA support compiled in, or no usable driver: no devices.
  }
  return devices;
}

namespace {

// Calls `int symbol(int*)` in the first of `libraries` that loads and has it; nullopt otherwise.
std::optional<int> int_from_library(std::initializer_list<const char*> libraries, const char* symbol) {
  for (const char* name : libraries) {
    void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) continue;
    using Get = int (*)(int*);
    auto* get = reinterpret_cast<Get>(dlsym(lib, symbol));
    int value = 0;
    const bool ok = get != nullptr && get(&value) == 0;
    dlclose(lib);
    if (ok) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> cuda_driver_version() {
  // Asked of the driver library itself so that zoo-bench needs no CUDA toolkit to build.
  const auto v = int_from_library({"libcuda.so.1"}, "cuDriverGetVersion");
  if (!v) return std::nullopt;
  return fmt::format("{}.{}", *v / 1000, (*v % 1000) / 10);
}

std::optional<std::string> cuda_runtime_version() {
  const auto v = int_from_library({"libcudart.so.13", "libcudart.so.12", "libcudart.so"}, "cudaRuntimeGetVersion");
  if (!v) return std::nullopt;
  return fmt::format("{}.{}", *v / 1000, (*v % 1000) / 10);
}

std::optional<std::string> loaded_cudnn_version() {
  for (const char* name : {"libcudnn.so.9", "libcudnn.so.8", "libcudnn.so"}) {
    void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) continue;
    using Get = std::size_t (*)();
    auto* get = reinterpret_cast<Get>(dlsym(lib, "cudnnGetVersion"));
    const std::size_t v = get != nullptr ? get() : 0;
    dlclose(lib);
    if (v == 0) continue;
    // cuDNN 9 encodes major * 10000 + minor * 100 + patch; cuDNN 8 major * 1000 + minor * 100 + patch.
    if (v >= 90000) return fmt::format("{}.{}.{}", v / 10000, (v % 10000) / 100, v % 100);
    return fmt::format("{}.{}.{}", v / 1000, (v % 1000) / 100, v % 100);
  }
  return std::nullopt;
}

std::optional<std::string> nvidia_driver_version() {
  // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  ..." on Linux with the NVIDIA driver.
  std::ifstream in("/proc/driver/nvidia/version");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const std::regex version_re(R"((\d+\.\d+(\.\d+)?))");
  std::smatch m;
  const auto module = line.find("Kernel Module");
  const std::string tail = module == std::string::npos ? line : line.substr(module);
  if (!std::regex_search(tail, m, version_re)) return std::nullopt;
  return m[1].str();
}

ArchVerdict arch_verdict(const GpuArch& device, const std::vector<GpuArch>& bin, const std::vector<GpuArch>& ptx) {
  for (const auto& b : bin) {
    if (b.major == device.major && b.minor <= device.minor) {
      return {true, fmt::format("sm_{}{} binary kernels run on compute capability {}", b.major, b.minor, device.text())};
    }
  }
  for (const auto& p : ptx) {
    if (p.major < device.major || (p.major == device.major && p.minor <= device.minor)) {
      return {true, fmt::format("PTX {} is JIT-compiled for compute capability {} (slower first start)", p.text(),
                                device.text())};
    }
  }
  std::string bins, ptxs;
  for (const auto& b : bin) bins += (bins.empty() ? "" : " ") + b.text();
  for (const auto& p : ptx) ptxs += (ptxs.empty() ? "" : " ") + p.text();
  return {false, fmt::format("compute capability {} is not covered by CUDA_ARCH_BIN '{}' nor CUDA_ARCH_PTX '{}'",
                             device.text(), bins.empty() ? "-" : bins, ptxs.empty() ? "-" : ptxs)};
}

}  // namespace zoobench
