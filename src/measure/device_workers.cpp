#include "zoobench/measure/device_workers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace zoobench {

namespace {

// What workers hand to the calling thread: a record, a warning, or the start of a plan item.
struct Event {
  std::optional<PlacedRecord> record;
  std::string warning;
  std::optional<std::size_t> started;
};

class EventQueue {
 public:
  void push(Event event) {
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_events.push_back(std::move(event));
    }
    m_ready.notify_one();
  }
  void worker_done() {
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      ++m_done;
    }
    m_ready.notify_one();
  }
  // The next event; nullopt once all `workers` are done and nothing is left.
  std::optional<Event> pop(std::size_t workers) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_ready.wait(lock, [&] { return !m_events.empty() || m_done == workers; });
    if (m_events.empty()) return std::nullopt;
    Event event = std::move(m_events.front());
    m_events.pop_front();
    return event;
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Event> m_events;
  std::size_t m_done = 0;
};

// Joins every thread on every path out of run_on_workers.
struct JoinAll {
  std::vector<std::thread>& threads;
  ~JoinAll() {
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }
};

RunRecord not_run(const PlanItem& item, const std::string& why) {
  if (!item.runnable()) return record_for_unrunnable(item);
  RunRecord record = base_record(item);
  record.status = Status::Failed;
  record.message = why;
  return record;
}

void work(const Plan& plan, const std::vector<std::size_t>& items, const DeviceWorker& worker, std::mutex& capture_lock,
          EventQueue& queue, const std::atomic<bool>& stop) {
  std::size_t current = 0, seq = 0;
  auto on_record = [&](RunRecord record) {
    queue.push({PlacedRecord{current, seq++, std::move(record)}, {}, std::nullopt});
  };
  auto on_warning = [&](const std::string& warning) { queue.push({std::nullopt, warning, std::nullopt}); };
  std::string refused;
  try {
    if (worker.bind) worker.bind();
  } catch (const std::exception& e) {
    refused = fmt::format("not run: {}", e.what());
  }
  Runner runner(on_record, on_warning, worker.runs_fp16);
  runner.use_gpu(worker.gpu);
  runner.share_capture_lock(capture_lock);
  for (const std::size_t i : items) {
    if (stop) break;
    current = i;
    seq = 0;
    const PlanItem& item = plan.items[i];
    if (item.runnable()) queue.push({std::nullopt, {}, i});
    if (!refused.empty()) {
      on_record(not_run(item, refused));
      continue;
    }
    try {
      runner.run(item);
    } catch (const std::exception& e) {  // Runner turns a family's errors into records; this is the rest
      on_record(not_run(item, fmt::format("not run on GPU {}: {}", worker.gpu.index, e.what())));
    }
  }
}

}  // namespace

void run_on_workers(const Plan& plan, const std::vector<std::vector<std::size_t>>& assignment,
                    const std::vector<DeviceWorker>& workers, const std::function<void(PlacedRecord)>& on_record,
                    const WarningSink& on_warning, const std::function<void(std::size_t)>& on_start) {
  if (assignment.size() != workers.size()) throw std::invalid_argument("run_on_workers: one item list per worker");
  std::mutex capture_lock;
  EventQueue queue;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  JoinAll join{threads};
  for (std::size_t w = 0; w < workers.size(); ++w) {
    threads.emplace_back([&, w] {
      try {
        work(plan, assignment[w], workers[w], capture_lock, queue, stop);
      } catch (...) {
        // Only an out-of-memory queue push gets here; the worker's remaining items are lost with it.
      }
      queue.worker_done();
    });
  }
  try {
    while (auto event = queue.pop(workers.size())) {
      const std::lock_guard<std::mutex> lock(capture_lock);
      if (event->record) on_record(std::move(*event->record));
      else if (event->started) {
        if (on_start) on_start(*event->started);
      } else on_warning(event->warning);
    }
  } catch (...) {
    stop = true;
    // Drain so that no worker waits on anything while the threads are joined.
    while (queue.pop(workers.size())) {
    }
    throw;
  }
}

std::size_t PlanOrder::insert(std::size_t item, std::size_t seq) {
  const auto key = std::make_pair(item, seq);
  const auto at = std::upper_bound(m_seen.begin(), m_seen.end(), key);
  const auto position = static_cast<std::size_t>(at - m_seen.begin());
  m_seen.insert(at, key);
  return position;
}

}  // namespace zoobench
