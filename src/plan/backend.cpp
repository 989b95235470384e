#include "zoobench/plan/backend.hpp"

#include <fmt/format.h>

#include <opencv2/dnn.hpp>

#include "zoobench/error.hpp"

namespace zoobench {

const std::vector<BackendTarget>& backend_target_pairs() {
  static const std::vector<BackendTarget> pairs = {
      // index backend target name backend_name target_name cuda fp16 accelerator placement_checked
      {0, cv::dnn::DNN_BACKEND_OPENCV, cv::dnn::DNN_TARGET_CPU, "CPU", "OPENCV", "CPU", false, false, false, false},
      {1, cv::dnn::DNN_BACKEND_CUDA, cv::dnn::DNN_TARGET_CUDA, "CUDA", "CUDA", "CUDA", true, false, true, true},
      {2, cv::dnn::DNN_BACKEND_CUDA, cv::dnn::DNN_TARGET_CUDA_FP16, "CUDA_FP16", "CUDA", "CUDA_FP16", true, true, true,
       true},
      // NPU rows are checked too: a build without TIM-VX or CANN runs them on the CPU (fail closed).
      {3, cv::dnn::DNN_BACKEND_TIMVX, cv::dnn::DNN_TARGET_NPU, "TIMVX", "TIMVX", "NPU", false, false, true, true},
      // DNN_BACKEND_CANN is 8 from OpenCV 4.7 on; 4.6 has no such enumerator, so name the value.
      {4, 8, cv::dnn::DNN_TARGET_NPU, "CANN", "CANN", "NPU", false, false, true, true},
  };
  return pairs;
}

const BackendTarget& cpu_backend_target() { return backend_target_pairs().front(); }

const BackendTarget& backend_target_at(int index) {
  const auto& pairs = backend_target_pairs();
  if (index < 0 || index >= static_cast<int>(pairs.size())) {
    throw Error(fmt::format(
        "backend/target index {} is out of range: use 0 (OpenCV/CPU), 1 (CUDA), 2 (CUDA FP16), "
        "3 (TIM-VX/NPU) or 4 (CANN/NPU)",
        index));
  }
  return pairs[static_cast<size_t>(index)];
}

std::optional<BackendTarget> backend_target_from_names(const std::string& backend,
                                                       const std::string& target) {
  int backend_index = -1;
  if (backend == "default" || backend == "opencv") backend_index = 0;
  else if (backend == "cuda") backend_index = 1;
  else if (backend == "timvx") backend_index = 3;
  else if (backend == "cann") backend_index = 4;
  if (backend_index < 0) return std::nullopt;

  if (target == "cpu" && backend_index == 0) return backend_target_at(0);
  if (target == "cuda" && backend_index == 1) return backend_target_at(1);
  if (target == "cuda_fp16" && backend_index == 1) return backend_target_at(2);
  if (target == "npu" && (backend_index == 3 || backend_index == 4)) return backend_target_at(backend_index);
  return std::nullopt;
}

}  // namespace zoobench
