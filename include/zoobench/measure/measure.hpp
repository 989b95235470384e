#pragma once
// The one measurement core, shared by image models and trackers: for a plan item it constructs the
// model with OpenCV's log captured, then per input size runs the strategy's warm-up and timed calls,
// captures the log around the first call at that size (where the backend sets up for the shape),
// reads the placement evidence, and turns every exception into a failed record. Records are handed
// to the sink as they are made, so nothing measured is lost when a later item fails.
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "zoobench/measure/record.hpp"
#include "zoobench/plan/plan.hpp"

namespace zoobench {

using RecordSink = std::function<void(RunRecord)>;
using WarningSink = std::function<void(const std::string&)>;

class Runner {
 public:
  // device_runs_fp16: whether OpenCV runs CUDA_FP16 as FP16 on the GPU in use (nullopt: unknown).
  Runner(RecordSink on_record, WarningSink on_warning, std::optional<bool> device_runs_fp16 = std::nullopt);

  // One item: one record per input size, or one record saying why it did not run.
  void run(const PlanItem& item);

 private:
  void warn_unused_keys(const PlanItem& item);
  // Constructs the model with the log captured; null (and `base` a failed record) when that throws.
  std::unique_ptr<Measurable> load(const PlanItem& item, RunRecord& base, std::string& log);
  // One input size into `record`; false when it failed (the record says why).
  bool measure_size(const PlanItem& item, Measurable& subject, const InputGroup& group, std::string& log,
                    RunRecord& record);

  RecordSink m_on_record;
  WarningSink m_on_warning;
  std::optional<bool> m_device_runs_fp16;
  std::set<std::string> m_warned_configs;  // unused-key warnings are given once per config
};

}  // namespace zoobench
