#include "zoobench/device/cuda_context.hpp"

#include <fmt/format.h>

#include <opencv2/core/cuda.hpp>

#include "zoobench/measure/clock.hpp"

namespace zoobench {

ContextCreation create_cuda_context(int index) {
  ContextCreation c;
  const int count = cv::cuda::getCudaEnabledDeviceCount();
  if (count < 0) {
    c.note = "not measured: the CUDA driver is missing or older than OpenCV's CUDA runtime";
    return c;
  }
  if (count == 0) {
    c.note = "not measured: this OpenCV has no CUDA support, or no CUDA device is visible";
    return c;
  }
  if (index < 0 || index >= count) {
    c.note = fmt::format("not measured: no CUDA device {} (OpenCV sees {})", index, count);
    return c;
  }
  try {
    const auto t0 = Clock::now();
    cv::cuda::setDevice(index);
    cv::cuda::GpuMat first(1, 1, CV_8UC1);  // the first allocation forces the context into existence
    c.ms = ms_since(t0);
    c.note = fmt::format("device {}: cv::cuda::setDevice and a first GpuMat allocation", index);
  } catch (const cv::Exception& e) {
    c.ms = -1;
    c.note = fmt::format("not measured: device {}: {}", index, e.err.empty() ? e.what() : e.err);
  }
  return c;
}

}  // namespace zoobench
