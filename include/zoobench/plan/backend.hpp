#pragma once
// The zoo's five backend/target pairs (benchmark.py --cfg_overwrite_backend_target indices).
#include <optional>
#include <string>
#include <vector>

namespace zoobench {

struct BackendTarget {
  int index = 0;           // 0..4, the zoo's index
  int backend = 0;         // cv::dnn::Backend value
  int target = 0;          // cv::dnn::Target value
  std::string name;        // short label used in tables: "CPU", "CUDA", "CUDA_FP16", "TIMVX", "CANN"
  std::string backend_name;  // "OPENCV", "CUDA", ...
  std::string target_name;   // "CPU", "CUDA", "CUDA_FP16", "NPU"
  bool cuda = false;         // OpenCV's CUDA backend on an NVIDIA GPU
  bool fp16 = false;         // half precision requested (the target may be demoted to FP32)
  bool accelerator = false;  // not the CPU: speed-ups are computed against the CPU pair
  bool placement_checked = false;  // rows need evidence of where the layers ran (verified/fallback/unverified)

  bool is_cuda() const { return cuda; }
};

// All five pairs in index order.
const std::vector<BackendTarget>& backend_target_pairs();

// The CPU pair (index 0): the baseline every accelerator row is compared with.
const BackendTarget& cpu_backend_target();

// Throws Error naming the valid range when index is outside 0..4.
const BackendTarget& backend_target_at(int index);

// The pair a config's `backend`/`target` strings select (the zoo's names: default/opencv/cuda/timvx/cann
// and cpu/cuda/cuda_fp16/npu); nullopt when the strings are unknown.
std::optional<BackendTarget> backend_target_from_names(const std::string& backend,
                                                       const std::string& target);

}  // namespace zoobench
