#pragma once
// The cold start's first step on CUDA: creating the device's context, timed on its own so that the
// model's first forward does not carry it.
#include <string>

namespace zoobench {

struct ContextCreation {
  double ms = -1;    // < 0 when not measured
  std::string note;  // why not measured, or how it was forced
};

// Makes `index` the calling thread's CUDA device (cv::cuda::setDevice, which also binds the thread as
// --device asks) and forces its context into existence with a first allocation (cv::cuda::GpuMat),
// timed. Never throws: without a CUDA-enabled OpenCV or device, or when the driver refuses, ms < 0
// and the note says why.
ContextCreation create_cuda_context(int index);

}  // namespace zoobench
