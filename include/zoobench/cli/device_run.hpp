#pragma once
// What `--device` means for a benchmark run: which GPUs, checked against the plan and the visible
// devices before anything is measured, and one real worker (bound with cv::cuda::setDevice) per GPU.
#include <string>
#include <vector>

#include "zoobench/device/device.hpp"
#include "zoobench/measure/device_workers.hpp"
#include "zoobench/plan/plan.hpp"

namespace zoobench {

// The GPU indices `--device` selects for this plan; empty without --device. ConfigError (one line) for a
// malformed value, a plan with no CUDA backend/target (--device would change nothing: CPU items ignore
// it), no visible CUDA device, or an index that does not exist.
std::vector<int> devices_for_run(const std::string& device_option, const Plan& plan,
                                 const std::vector<CudaDevice>& visible);

// One worker per index, bound to its GPU and reading that GPU's free memory.
std::vector<DeviceWorker> gpu_workers(const std::vector<int>& indices, const std::vector<CudaDevice>& visible);

}  // namespace zoobench
