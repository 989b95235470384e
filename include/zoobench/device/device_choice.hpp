#pragma once
// `--device N|all`: which CUDA device(s) a run or the doctor uses. OpenCV binds the CUDA device per
// thread when a net is set up, so a chosen device is applied by binding the thread that builds and runs
// the nets (bind_thread_to_gpu) before the first one is made.
#include <optional>
#include <string>
#include <vector>

#include "zoobench/device/device.hpp"

namespace zoobench {

struct DeviceChoice {
  bool all = false;
  std::optional<int> index;  // set for `--device N`

  bool given() const { return all || index.has_value(); }
  std::string text() const;  // "all", "1", or "" when not given
};

// "0", "1", ..., or "all" (any case). Throws ConfigError naming --device and the accepted forms.
DeviceChoice parse_device_choice(const std::string& text);

// The device indices to use, in order, out of `visible` (what OpenCV sees). Throws ConfigError, one line
// naming what is visible and the fix, for an index that does not exist or when no device is visible.
std::vector<int> resolve_devices(const DeviceChoice& choice, const std::vector<CudaDevice>& visible);

// Makes `index` the calling thread's CUDA device (cv::cuda::setDevice). Throws DeviceError with one line
// when OpenCV has no CUDA or the driver refuses.
void bind_thread_to_gpu(int index);

// The free memory of the calling thread's device `index`, in bytes; -1 when it cannot be read. Called
// from a thread bound to `index`, it creates no context on another device.
long long free_gpu_memory(int index);

}  // namespace zoobench
