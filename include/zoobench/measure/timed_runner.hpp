#pragma once
// --timeout-per-model: a time limit on each plan item (load and every input size). OpenCV cannot
// interrupt a forward, and a child process per item would have to set CUDA up again (and CUDA does not
// survive fork), so each item runs on a worker thread that owns a copy of the item. The worker's records
// are handed on only once it has finished or been given up, because while it runs it may hold stdout
// and stderr redirected into OpenCV's log capture. When the limit passes, the worker is abandoned: the
// descriptors and OpenCV's log level are put back, its measured sizes are kept, the rest get failed
// records saying "timed out", and the run goes on (the worker stops at its next record). An abandoned
// worker may still use the CPU (or the GPU) and write into the log, so records made while one runs
// carry a note saying so and a GPU placement they claim is downgraded to unverified. OpenCV's state
// must not be torn down under it: the process must end with std::_Exit once everything is written
// (abandoned_worker_running()).
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zoobench/measure/measure.hpp"

namespace zoobench {

class TimedRunner {
 public:
  // limit_s: nullopt runs every item on the calling thread, as Runner does.
  TimedRunner(RecordSink on_record, WarningSink on_warning, std::optional<bool> device_runs_fp16,
              std::optional<double> limit_s);
  ~TimedRunner();
  TimedRunner(const TimedRunner&) = delete;
  TimedRunner& operator=(const TimedRunner&) = delete;

  // Records reach on_record on the calling thread, in the order they are made.
  void run(const PlanItem& item);

  // True while a worker abandoned after its limit is still inside OpenCV.
  bool abandoned_worker_running() const;

  struct Worker;  // the state a worker shares with this runner

 private:
  void deliver(RunRecord record);

  RecordSink m_on_record;
  WarningSink m_on_warning;
  std::optional<bool> m_device_runs_fp16;
  std::optional<double> m_limit_s;
  Runner m_inline;                            // used without a limit
  std::set<std::string> m_warnings_given;     // every worker has its own Runner: give each warning once
  std::vector<std::shared_ptr<Worker>> m_abandoned;
  int m_stdout = -1, m_stderr = -1;           // the real descriptors, to take back from an abandoned capture
  int m_log_level = 0;                        // OpenCV's log level outside any capture
};

}  // namespace zoobench
