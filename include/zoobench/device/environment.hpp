#pragma once
// The machine and software facts every result file carries, so that two runs can be compared (or
// refused as incomparable): versions, threads, CPU, GPUs, driver, CUDA and cuDNN.
#include <string>
#include <vector>

#include "zoobench/device/device.hpp"

namespace zoobench {

struct Environment {
  std::string zoo_bench_version;
  std::string opencv_version;
  std::string opencv_cuda;          // "built with CUDA" / "CPU only"
  std::string cuda_version;         // the CUDA toolkit OpenCV was built with, "" without CUDA
  std::string cudnn_version;        // cuDNN OpenCV was built with, "" without
  std::string cuda_features;        // e.g. "CUFFT CUBLAS FAST_MATH" (fast math changes numerics)
  std::string driver_version;       // the CUDA driver API version ("13.0"), "" without a driver
  std::string nvidia_driver;        // the NVIDIA kernel driver ("580.159.04"), "" elsewhere
  std::string cuda_runtime;         // the CUDA runtime library loadable here, "" without one
  std::string cudnn_loaded;         // the cuDNN library loadable here, "" without one
  int opencv_threads = 0;           // cv::getNumThreads()
  std::string heap;                 // the malloc policy timed calls ran with (measure/heap.hpp)
  std::string command_line;
  std::string started_at;           // ISO 8601, UTC
  std::string run_id;               // names this run in journals; a --resume keeps the resumed run's
  std::string host;
  std::string cpu;
  std::vector<CudaDevice> gpus;     // the CUDA devices OpenCV sees
};

// Everything above for this process (never throws; absent facts stay empty).
Environment collect_environment(const std::string& command_line);

// "NVIDIA H200 (9.0)" for each GPU, comma-separated, or "no CUDA device".
std::string gpus_text(const Environment& env);

}  // namespace zoobench
