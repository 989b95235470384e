#include "zoobench/measure/timed_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <unistd.h>

#include <opencv2/core/utils/logger.hpp>

namespace zoobench {

// Filled by the worker thread, read by the runner's thread once the worker finished or was given up.
struct TimedRunner::Worker {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<RunRecord> records;
  std::vector<std::string> warnings;
  bool finished = false;
  bool abandoned = false;
  PlanItem item;  // the worker's own copy: it may outlive the caller's plan
};

namespace {

// Thrown into an abandoned worker at its next record, so that it measures (and captures) no more.
struct Abandoned {};

bool is_finished(TimedRunner::Worker& worker) {
  std::lock_guard<std::mutex> lock(worker.mutex);
  return worker.finished;
}

void run_worker(const std::shared_ptr<TimedRunner::Worker>& worker, std::optional<bool> device_runs_fp16) {
  auto keep = [&worker](auto& list, auto value) {
    std::lock_guard<std::mutex> lock(worker->mutex);
    if (worker->abandoned) throw Abandoned{};
    list.push_back(std::move(value));
  };
  Runner runner([&](RunRecord r) { keep(worker->records, std::move(r)); },
                [&](const std::string& w) { keep(worker->warnings, w); }, device_runs_fp16);
  try {
    runner.run(worker->item);  // Runner turns every exception of the model into a record
  } catch (const Abandoned&) {
  }
  std::lock_guard<std::mutex> lock(worker->mutex);
  worker->finished = true;
  worker->changed.notify_all();
}

}  // namespace

TimedRunner::TimedRunner(RecordSink on_record, WarningSink on_warning, std::optional<bool> device_runs_fp16,
                         std::optional<double> limit_s)
    : m_on_record(std::move(on_record)),
      m_on_warning(std::move(on_warning)),
      m_device_runs_fp16(device_runs_fp16),
      m_limit_s(limit_s),
      m_inline([this](RunRecord r) { deliver(std::move(r)); },
               [this](const std::string& w) { m_on_warning(w); }, device_runs_fp16) {
  if (m_limit_s) {
    m_stdout = ::dup(STDOUT_FILENO);
    m_stderr = ::dup(STDERR_FILENO);
    m_log_level = cv::utils::logging::getLogLevel();
  }
}

TimedRunner::~TimedRunner() {
  if (m_stdout >= 0) ::close(m_stdout);
  if (m_stderr >= 0) ::close(m_stderr);
}

bool TimedRunner::abandoned_worker_running() const {
  return std::any_of(m_abandoned.begin(), m_abandoned.end(),
                     [](const std::shared_ptr<Worker>& w) { return !is_finished(*w); });
}

void TimedRunner::deliver(RunRecord record) {
  if (record.status == Status::Ok && abandoned_worker_running()) {
    const std::string note = "measured while a timed-out benchmark was still running: timings may be disturbed";
    record.note = record.note.empty() ? note : record.note + "; " + note;
    // Its OpenCV log may have gone into the abandoned worker's capture: the GPU claim is not proven.
    if (record.device.verified()) {
      record.device.state = Placement::Unverified;
      record.device.reason = "a timed-out benchmark was still running, so the OpenCV log could not be read alone";
    }
  }
  m_on_record(std::move(record));
}

void TimedRunner::run(const PlanItem& item) {
  if (!m_limit_s || !item.runnable()) return m_inline.run(item);

  auto worker = std::make_shared<Worker>();
  worker->item = item;
  std::thread thread([worker, fp16 = m_device_runs_fp16] { run_worker(worker, fp16); });

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(*m_limit_s);
  std::vector<RunRecord> records;
  std::vector<std::string> warnings;
  bool finished = false;
  {
    std::unique_lock<std::mutex> lock(worker->mutex);
    finished = worker->changed.wait_until(lock, deadline, [&] { return worker->finished; });
    if (!finished) worker->abandoned = true;
    records.swap(worker->records);
    warnings.swap(worker->warnings);
  }
  if (finished) {
    thread.join();
  } else {
    // The worker cannot be stopped inside OpenCV: leave it, with its own copy of the item, and go on.
    thread.detach();
    m_abandoned.push_back(worker);
    // It may be stuck inside a log capture: take stdout, stderr and the log level back.
    std::fflush(stdout);
    ::dup2(m_stdout, STDOUT_FILENO);
    ::dup2(m_stderr, STDERR_FILENO);
    cv::utils::logging::setLogLevel(static_cast<cv::utils::logging::LogLevel>(m_log_level));
  }
  for (auto& w : warnings) {
    if (m_warnings_given.insert(w).second) m_on_warning(w);
  }
  std::vector<cv::Size> sizes_done;
  for (auto& r : records) {
    sizes_done.push_back(r.input_size);
    deliver(std::move(r));
  }
  if (finished) return;

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
  if (!any) {  // every size was measured; the worker was stuck after the last one (releasing the net)
    m_on_warning(fmt::format("{} on {}: {} after its last size", item.config_name, item.backend_target.name, reason));
  }
}

}  // namespace zoobench
