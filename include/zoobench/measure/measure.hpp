#pragma once
// The one measurement core, shared by image models and trackers: for a plan item it constructs the
// model with OpenCV's log captured, then per input size runs the strategy's warm-up and timed calls,
// captures the log around the first call at that size (where the backend sets up for the shape),
// reads the placement evidence, and turns every exception into a failed record. Records are handed
// to the sink as they are made, so nothing measured is lost when a later item fails.
#include <functional>
#include <set>
#include <string>

#include "zoobench/measure/record.hpp"
#include "zoobench/plan/plan.hpp"

namespace zoobench {

using RecordSink = std::function<void(RunRecord)>;
using WarningSink = std::function<void(const std::string&)>;

class Runner {
 public:
  Runner(RecordSink on_record, WarningSink on_warning);

  // One item: one record per input size, or one record saying why it did not run.
  void run(const PlanItem& item);

 private:
  void warn_unused_keys(const PlanItem& item);

  RecordSink m_on_record;
  WarningSink m_on_warning;
  std::set<std::string> m_warned_configs;  // unused-key warnings are given once per config
};

}  // namespace zoobench
