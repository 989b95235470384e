#pragma once
// Facts about the OpenCV this binary runs against and the machine, for report headers.
#include <string>

namespace zoobench {

// "built with CUDA" or "CPU only", from cv::getBuildInformation()'s "NVIDIA CUDA:" line.
std::string opencv_cuda_summary(const std::string& build_information);

std::string cpu_model_name();  // /proc/cpuinfo "model name", or "unknown CPU"
std::string host_name();
std::string utc_timestamp();   // ISO 8601, seconds

}  // namespace zoobench
