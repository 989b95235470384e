#include "zoobench/measure/timed_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace zoobench {

// Filled by the worker thread, drained by the runner's thread.
struct TimedRunner::Worker {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<RunRecord> records;
  std::deque<std::string> warnings;
  bool finished = false;
  PlanItem item;  // the worker's own copy: it may outlive the caller's plan
};

namespace {

bool is_finished(TimedRunner::Worker& worker) {
  std::lock_guard<std::mutex> lock(worker.mutex);
  return worker.finished;
}

}  // namespace

TimedRunner::TimedRunner(RecordSink on_record, WarningSink on_warning, std::optional<bool> device_runs_fp16,
                         std::optional<double> limit_s)
    : m_on_record(std::move(on_record)),
      m_on_warning(std::move(on_warning)),
      m_device_runs_fp16(device_runs_fp16),
      m_limit_s(limit_s),
      m_inline([this](RunRecord r) { deliver(std::move(r)); },
               [this](const std::string& w) { m_on_warning(w); }, device_runs_fp16) {}

TimedRunner::~TimedRunner() = default;

bool TimedRunner::abandoned_worker_running() const {
  return std::any_of(m_abandoned.begin(), m_abandoned.end(),
                     [](const std::shared_ptr<Worker>& w) { return !is_finished(*w); });
}

void TimedRunner::deliver(RunRecord record) {
  if (record.status == Status::Ok && abandoned_worker_running()) {
    const std::string note = "measured while a timed-out benchmark was still running: timings may be disturbed";
    record.note = record.note.empty() ? note : record.note + "; " + note;
  }
  m_on_record(std::move(record));
}

void TimedRunner::run(const PlanItem& item) {
  if (!m_limit_s || !item.runnable()) return m_inline.run(item);

  auto worker = std::make_shared<Worker>();
  worker->item = item;
  std::thread thread([worker, fp16 = m_device_runs_fp16] {
    auto push = [&worker](auto& queue, auto value) {
      std::lock_guard<std::mutex> lock(worker->mutex);
      queue.push_back(std::move(value));
      worker->changed.notify_all();
    };
    Runner runner([&](RunRecord r) { push(worker->records, std::move(r)); },
                  [&](const std::string& w) { push(worker->warnings, w); }, fp16);
    runner.run(worker->item);  // Runner turns every exception into a record
    std::lock_guard<std::mutex> lock(worker->mutex);
    worker->finished = true;
    worker->changed.notify_all();
  });

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(*m_limit_s);
  std::vector<cv::Size> sizes_done;
  bool finished = false;
  bool timed_out = false;
  while (!finished && !timed_out) {
    std::deque<RunRecord> records;
    std::deque<std::string> warnings;
    {
      std::unique_lock<std::mutex> lock(worker->mutex);
      timed_out = !worker->changed.wait_until(lock, deadline, [&] {
        return worker->finished || !worker->records.empty() || !worker->warnings.empty();
      });
      records.swap(worker->records);
      warnings.swap(worker->warnings);
      finished = worker->finished;
    }
    for (auto& w : warnings) {
      if (m_warnings_given.insert(w).second) m_on_warning(w);
    }
    for (auto& r : records) {
      sizes_done.push_back(r.input_size);
      deliver(std::move(r));
    }
  }
  if (finished) {
    thread.join();
    return;
  }
  // The worker cannot be stopped inside OpenCV: leave it, with its own copy of the item, and go on.
  thread.detach();
  m_abandoned.push_back(worker);
  const std::string reason = fmt::format("timed out: still running after {:g} s (--timeout-per-model); the "
                                         "benchmark was abandoned", *m_limit_s);
  const RunRecord base = base_record(item);
  bool any = false;
  for (const auto& group : *item.inputs) {
    if (std::find(sizes_done.begin(), sizes_done.end(), group.size) != sizes_done.end()) continue;
    RunRecord record = base;
    record.input_size = group.size;
    record.status = Status::Failed;
    record.message = reason;
    deliver(std::move(record));
    any = true;
  }
  if (!any) {  // every size was measured; the worker was stuck after the last one (e.g. releasing the net)
    m_on_warning(fmt::format("{} on {}: {} after its last record", item.config_name, item.backend_target.name, reason));
  }
}

}  // namespace zoobench
