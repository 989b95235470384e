#pragma once
// `--device N|all`: the plan's items run on one worker thread per GPU, each thread bound to its GPU
// before its first net is made and holding its own Runner (so its own nets). Records come back to the
// calling thread, one at a time, which alone feeds the reporters: the sinks never see two threads.
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "zoobench/measure/measure.hpp"
#include "zoobench/plan/plan.hpp"

namespace zoobench {

struct DeviceWorker {
  RunnerGpu gpu;                   // index, name, UUID, free-memory reader of its device
  std::optional<bool> runs_fp16;   // whether OpenCV runs CUDA_FP16 as FP16 on it
  std::function<void()> bind;      // binds the calling thread to the device; throws to refuse (then every
                                   // item of this worker becomes a failed record saying why)
};

// A record with its place in the plan (item index, then its order within the item), so that files list
// records in plan order whichever worker finished first.
struct PlacedRecord {
  std::size_t item = 0;
  std::size_t seq = 0;
  RunRecord record;
};

// Runs assignment[w] (plan item indices) on workers[w]'s thread. on_record and on_warning are called on
// the calling thread, with the capture lock held so that they may print while no worker redirects stdout.
// on_start (optional) is told, on the calling thread too, that a worker begins a runnable plan item (its
// index): the progress line, which is not thread-safe, is drawn there.
// Returns when every worker has finished; an exception from a callback stops the workers after their
// current item and is rethrown.
void run_on_workers(const Plan& plan, const std::vector<std::vector<std::size_t>>& assignment,
                    const std::vector<DeviceWorker>& workers, const std::function<void(PlacedRecord)>& on_record,
                    const WarningSink& on_warning, const std::function<void(std::size_t)>& on_start = {});

// Keeps records in plan order as they arrive: insert() gives the position at which the record with this
// (item, seq) goes among those seen so far.
class PlanOrder {
 public:
  std::size_t insert(std::size_t item, std::size_t seq);

 private:
  std::vector<std::pair<std::size_t, std::size_t>> m_seen;  // sorted
};

}  // namespace zoobench
