#pragma once
// OpenCV build facts (CUDA, cuDNN, compiled GPU architectures), the CUDA devices present, and the
// verdict whether this OpenCV's CUDA kernels can run on each device.
#include <optional>
#include <string>
#include <vector>

namespace zoobench {

// An SM architecture as OpenCV's build information writes it: "90" = 9.0, "120" = 12.0.
struct GpuArch {
  int major = 0;
  int minor = 0;
  bool operator==(const GpuArch& o) const { return major == o.major && minor == o.minor; }
  std::string text() const;  // "9.0"
};

struct OpenCVBuildFacts {
  std::string version;             // CV_VERSION of the library in use
  std::string configuration;       // "Release", from the build information, or ""
  bool cuda = false;               // "NVIDIA CUDA: YES"
  std::string cuda_version;        // "13.0"
  std::string cuda_features;       // "CUFFT CUBLAS FAST_MATH"
  std::vector<GpuArch> arch_bin;   // "NVIDIA GPU arch:"
  std::vector<GpuArch> arch_ptx;   // "NVIDIA PTX archs:"
  bool cudnn = false;              // "cuDNN: YES"
  std::string cudnn_version;       // "9.14.0"
  bool dnn_cuda_backend = false;   // cv::dnn lists DNN_BACKEND_CUDA targets
};

// Parses cv::getBuildInformation() text.
OpenCVBuildFacts parse_build_information(const std::string& text);

// Facts about the OpenCV this process uses.
OpenCVBuildFacts current_build_facts();

struct CudaDevice {
  int index = 0;
  std::string name;
  GpuArch compute_capability;
  std::size_t total_memory = 0;  // bytes
  std::size_t free_memory = 0;   // bytes
  bool opencv_compatible = false;  // cv::cuda::DeviceInfo::isCompatible()
  // Whether OpenCV's dnn runs DNN_TARGET_CUDA_FP16 as FP16 here (opencv_runs_fp16 of the capability);
  // without it OpenCV demotes the target to FP32 CUDA and only says so in a WARNING.
  bool opencv_fp16 = false;
  std::string uuid;        // nvidia-smi's "GPU-..." (gpu_identity.hpp); "" when the driver does not say
  std::string pci_bus_id;  // "0000:19:00.0"; "" when unknown
};

// OpenCV's own rule, cuda4dnn::doesDeviceSupportFP16() (modules/dnn/src/cuda4dnn/init.hpp, 4.x):
// major * 10 + minor >= 53. Below that, Net::Impl::initCUDABackend() logs "The selected CUDA device does
// not support FP16 target; switching to FP32 target." and sets the net's target to DNN_TARGET_CUDA.
// Pure, so that tests can state any device.
bool opencv_runs_fp16(const GpuArch& compute_capability);

// The CUDA devices OpenCV sees (empty without CUDA support or without a device); never throws.
std::vector<CudaDevice> cuda_devices();

// The CUDA driver's version ("13.0"), through libcuda at run time; nullopt when there is no driver.
std::optional<std::string> cuda_driver_version();

// The CUDA runtime and cuDNN libraries this process would load ("13.0", "9.14.0"), asked of the libraries
// at run time (they may differ from the versions OpenCV was built with); nullopt when absent.
std::optional<std::string> cuda_runtime_version();
std::optional<std::string> loaded_cudnn_version();

// The NVIDIA kernel driver ("580.159.04"), from /proc/driver/nvidia/version; nullopt elsewhere.
std::optional<std::string> nvidia_driver_version();

struct ArchVerdict {
  bool runnable = false;
  std::string reason;  // e.g. "sm_90 binary present", "PTX 8.0 can be JIT-compiled for 9.0"
};

// Whether kernels built for `bin` (cubins) and `ptx` run on a device of `device` capability: a cubin runs
// on the same major version with an equal or higher minor; PTX is JIT-compiled for any newer device.
ArchVerdict arch_verdict(const GpuArch& device, const std::vector<GpuArch>& bin, const std::vector<GpuArch>& ptx);

}  // namespace zoobench
