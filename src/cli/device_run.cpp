#include "zoobench/cli/device_run.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "zoobench/device/device_choice.hpp"
#include "zoobench/error.hpp"

namespace zoobench {

std::vector<int> devices_for_run(const std::string& device_option, const Plan& plan,
                                 const std::vector<CudaDevice>& visible) {
  if (device_option.empty()) return {};
  const DeviceChoice choice = parse_device_choice(device_option);
  const bool any_cuda = std::any_of(plan.items.begin(), plan.items.end(),
                                    [](const PlanItem& item) { return item.backend_target.is_cuda(); });
  if (!any_cuda) {
    throw ConfigError(fmt::format("--device {} chooses the GPU for CUDA backend/targets, and none is selected: add "
                                  "--backend-target 1, 2 or 0,1,2 (CPU rows ignore --device), or drop --device",
                                  choice.text()));
  }
  return resolve_devices(choice, visible);
}

std::vector<DeviceWorker> gpu_workers(const std::vector<int>& indices, const std::vector<CudaDevice>& visible) {
  std::vector<DeviceWorker> workers;
  for (const int index : indices) {
    const auto found = std::find_if(visible.begin(), visible.end(), [&](const CudaDevice& d) { return d.index == index; });
    DeviceWorker worker;
    worker.gpu.index = index;
    if (found != visible.end()) {
      worker.gpu.name = found->name;
      worker.gpu.uuid = found->uuid;
      worker.runs_fp16 = found->opencv_fp16;
    }
    worker.gpu.free_memory = [index] { return free_gpu_memory(index); };
    worker.bind = [index] { bind_thread_to_gpu(index); };
    workers.push_back(std::move(worker));
  }
  return workers;
}

}  // namespace zoobench
