#pragma once
// The one measurement core, shared by image models and trackers: for a plan item it constructs the
// model with OpenCV's log captured, then per input size runs the strategy's warm-up and timed calls,
// captures the log around the first call at that size (where the backend sets up for the shape),
// reads the placement evidence, and turns every exception into a failed record. Records are handed
// to the sink as they are made, so nothing measured is lost when a later item fails.
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "zoobench/measure/log_capture.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/plan/plan.hpp"

namespace zoobench {

using RecordSink = std::function<void(RunRecord)>;
using WarningSink = std::function<void(const std::string&)>;

// The GPU a Runner's thread is bound to (--device): its identity goes on the records of CUDA items, and
// free_memory (of that device, read from the bound thread) shows whether the item took memory there.
struct RunnerGpu {
  int index = -1;
  std::string name, uuid;
  std::function<long long()> free_memory;  // bytes; -1 when unknown
};

class Runner {
 public:
  // device_runs_fp16: whether OpenCV runs CUDA_FP16 as FP16 on the GPU in use (nullopt: unknown).
  Runner(RecordSink on_record, WarningSink on_warning, std::optional<bool> device_runs_fp16 = std::nullopt);

  // One item: one record per input size, or one record saying why it did not run.
  void run(const PlanItem& item);

  // Records of CUDA items say they ran on `gpu` (the caller has bound this thread to it).
  void use_gpu(RunnerGpu gpu) { m_gpu = std::move(gpu); }
  // OpenCV's log is captured by redirecting the process's stdout/stderr: Runners on several threads (and
  // whoever prints meanwhile) share one lock so that captures never overlap.
  void share_capture_lock(std::mutex& lock) { m_capture_lock = &lock; }

 private:
  void warn_unused_keys(const PlanItem& item);
  // Constructs the model with the log captured; null (and `base` a failed record) when that throws.
  std::unique_ptr<Measurable> load(const PlanItem& item, RunRecord& base, std::string& log);
  // One input size into `record`; false when it failed (the record says why).
  bool measure_size(const PlanItem& item, Measurable& subject, const InputGroup& group, std::string& log,
                    RunRecord& record);

  // The shared lock, held (an empty lock when there is none). It also guards the config's ModelParams,
  // which record the keys read, while models are built and their unused keys listed.
  std::unique_lock<std::mutex> shared_lock() {
    return m_capture_lock != nullptr ? std::unique_lock<std::mutex>(*m_capture_lock) : std::unique_lock<std::mutex>();
  }
  // with_captured_log under the shared lock.
  template <typename Call>
  void captured(std::string& log, Call&& call) {
    const auto guard = shared_lock();
    with_captured_log(log, std::forward<Call>(call));
  }

  RecordSink m_on_record;
  WarningSink m_on_warning;
  std::optional<bool> m_device_runs_fp16;
  std::optional<RunnerGpu> m_gpu;
  std::mutex* m_capture_lock = nullptr;
  std::set<std::string> m_warned_configs;  // unused-key warnings are given once per config
};

}  // namespace zoobench
