#include "zoobench/measure/heap.hpp"
#include "zoobench/device/environment.hpp"

#include <fmt/format.h>

#include <opencv2/core.hpp>

#include "zoobench/device/build_info.hpp"

namespace zoobench {

Environment collect_environment(const std::string& command_line) {
  Environment env;
  const OpenCVBuildFacts facts = current_build_facts();
  env.zoo_bench_version = ZOO_BENCH_VERSION;
  env.opencv_version = CV_VERSION;
  env.opencv_cuda = opencv_cuda_summary(cv::getBuildInformation());
  if (facts.cuda) env.cuda_version = facts.cuda_version;
  if (facts.cudnn) env.cudnn_version = facts.cudnn_version;
  env.cuda_features = facts.cuda_features;
  env.driver_version = cuda_driver_version().value_or("");
  env.nvidia_driver = nvidia_driver_version().value_or("");
  env.cuda_runtime = cuda_runtime_version().value_or("");
  env.cudnn_loaded = loaded_cudnn_version().value_or("");
  env.opencv_threads = cv::getNumThreads();
  env.heap = heap_policy();
  env.command_line = command_line;
  env.started_at = utc_timestamp();
  env.host = host_name();
  env.cpu = cpu_model_name();
  env.gpus = cuda_devices();
  return env;
}

std::string gpus_text(const Environment& env) {
  std::string text;
  for (const auto& g : env.gpus) {
    text += fmt::format("{}{} ({})", text.empty() ? "" : ", ", g.name, g.compute_capability.text());
  }
  return text.empty() ? "no CUDA device" : text;
}

}  // namespace zoobench
