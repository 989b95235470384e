// All of zoo-bench's CUPTI code. Built with ZOO_BENCH_HAVE_CUPTI (CMake found CUDA::cupti), else only
// the recorder that says why there is nothing to record.
#include "zoobench/measure/gpu_activity.hpp"

#include <fmt/format.h>

#include <utility>

#ifdef ZOO_BENCH_HAVE_CUPTI
#include <cupti.h>

#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <vector>
#endif

namespace zoobench {

namespace {

class NoGpuActivity final : public GpuActivityRecorder {
 public:
  explicit NoGpuActivity(std::string why) : m_why(std::move(why)) {}
  bool available() const override { return false; }
  std::string status() const override { return m_why; }
  void begin() override {}
  profile::GpuForward end() override { return {}; }
  bool set_recording(bool /*on*/) override { return false; }

 private:
  std::string m_why;
};

#ifdef ZOO_BENCH_HAVE_CUPTI

std::string cupti_error(CUptiResult result) {
  const char* text = nullptr;
  cuptiGetResultString(result, &text);
  return text != nullptr ? text : fmt::format("CUPTI error {}", static_cast<int>(result));
}

// Records accumulated between begin() and end().
struct Window {
  profile::GpuForward counts;
  std::vector<profile::GpuInterval> intervals;
  std::set<std::uint32_t> contexts;
  std::set<std::pair<std::uint32_t, std::uint32_t>> streams;
};

std::string kind_name(CUpti_ActivityKind kind) {
  switch (kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL: return "KERNEL";
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: return "CONCURRENT_KERNEL";
    case CUPTI_ACTIVITY_KIND_MEMCPY: return "MEMCPY";
    case CUPTI_ACTIVITY_KIND_MEMSET: return "MEMSET";
    default: return fmt::format("kind {}", static_cast<int>(kind));
  }
}

// CUPTI's buffer callbacks are plain C functions without a user pointer, so the one active recorder
// is reached through this process-wide slot (CUPTI's activity API is process-wide itself).
std::mutex g_slot_mutex;
Window* g_window = nullptr;

constexpr std::size_t kBufferBytes = 8u << 20;

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(8, kBufferBytes));
  *size = *buffer != nullptr ? kBufferBytes : 0;
  *max_records = 0;
}

void add_record(Window& w, const CUpti_Activity* record) {
  w.counts.records_by_kind[kind_name(record->kind)]++;
  // CUDA 13's CUPTI writes the newest record versions; the unversioned names are the old layouts.
  switch (record->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
      const auto* k = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
      w.counts.kernels++;
      w.intervals.push_back({k->start, k->end});
      w.contexts.insert(k->contextId);
      w.streams.insert({k->contextId, k->streamId});
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY: {
      const auto* c = reinterpret_cast<const CUpti_ActivityMemcpy6*>(record);
      w.counts.copies++;
      if (c->copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_HTOD) w.counts.copies_to_device++;
      if (c->copyKind == CUPTI_ACTIVITY_MEMCPY_KIND_DTOH) w.counts.copies_to_host++;
      w.intervals.push_back({c->start, c->end});
      w.contexts.insert(c->contextId);
      w.streams.insert({c->contextId, c->streamId});
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMSET: {
      const auto* m = reinterpret_cast<const CUpti_ActivityMemset4*>(record);
      w.counts.memsets++;
      w.intervals.push_back({m->start, m->end});
      w.contexts.insert(m->contextId);
      w.streams.insert({m->contextId, m->streamId});
      break;
    }
    default:
      break;
  }
}

void CUPTIAPI buffer_completed(CUcontext context, uint32_t stream, uint8_t* buffer, size_t /*size*/,
                               size_t valid_size) {
  {
    std::lock_guard<std::mutex> lock(g_slot_mutex);
    if (g_window != nullptr && buffer != nullptr) {
      CUpti_Activity* record = nullptr;
      while (cuptiActivityGetNextRecord(buffer, valid_size, &record) == CUPTI_SUCCESS) add_record(*g_window, record);
      size_t dropped = 0;
      if (cuptiActivityGetNumDroppedRecords(context, stream, &dropped) == CUPTI_SUCCESS) {
        g_window->counts.dropped += dropped;
      }
    }
  }
  std::free(buffer);
}

const CUpti_ActivityKind kKinds[] = {CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY,
                                     CUPTI_ACTIVITY_KIND_MEMSET};

class CuptiActivity final : public GpuActivityRecorder {
 public:
  // Throws std::runtime_error with CUPTI's reason when it cannot be enabled.
  CuptiActivity() {
    {
      std::lock_guard<std::mutex> lock(g_slot_mutex);
      if (g_window != nullptr) throw std::runtime_error("another GPU activity recorder is active in this process");
      g_window = &m_window;  // claimed before CUPTI may call back
    }
    // CUPTI may deliver buffers on this thread (inside its calls): the slot's lock is not held here.
    const char* probe = std::getenv("ZOO_BENCH_CUPTI_PROBE");
    const std::string mode = probe != nullptr ? probe : "";
    m_late_enable = mode == "late";
    m_flush_flag = mode == "plain-flush" ? 0 : CUPTI_ACTIVITY_FLAG_FLUSH_FORCED;
    try {
      check(cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed), "cuptiActivityRegisterCallbacks");
      for (CUpti_ActivityKind kind : kKinds) {
        if (!m_late_enable) check(cuptiActivityEnable(kind), "cuptiActivityEnable " + kind_name(kind));
      }
    } catch (...) {
      for (CUpti_ActivityKind kind : kKinds) cuptiActivityDisable(kind);
      std::lock_guard<std::mutex> lock(g_slot_mutex);
      g_window = nullptr;
      throw;
    }
    uint32_t version = 0;
    cuptiGetVersion(&version);
    m_status = fmt::format("CUPTI activity API (CUPTI API version {}): concurrent kernels, copies, memsets", version);
    if (m_late_enable) m_status += " [probe mode: enabled after the first forward]";
    if (m_flush_flag == 0) m_status += " [probe mode: flushed without FLUSH_FORCED]";
  }

  ~CuptiActivity() override {
    for (CUpti_ActivityKind kind : kKinds) cuptiActivityDisable(kind);
    cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    std::lock_guard<std::mutex> lock(g_slot_mutex);
    g_window = nullptr;
  }
  CuptiActivity(const CuptiActivity&) = delete;
  CuptiActivity& operator=(const CuptiActivity&) = delete;

  bool available() const override { return true; }
  std::string status() const override { return m_status; }

  void begin() override {
    cuptiActivityFlushAll(m_flush_flag);
    std::lock_guard<std::mutex> lock(g_slot_mutex);
    m_window = Window{};
  }

  profile::GpuForward end() override {
    // Without FORCED, records in a buffer that is not full stay there: the missing kernels of the
    // first probe. Forward() has synchronised, so every record of the call is complete by now.
    cuptiActivityFlushAll(m_flush_flag);
    std::lock_guard<std::mutex> lock(g_slot_mutex);
    profile::GpuForward out = m_window.counts;
    out.busy_ms = static_cast<double>(profile::busy_ns(m_window.intervals)) / 1e6;
    out.contexts = m_window.contexts.size();
    out.streams = m_window.streams.size();
    m_window = Window{};
    return out;
  }

  void first_forward_done() override {
    if (!m_late_enable) return;
    m_late_enable = false;
    for (CUpti_ActivityKind kind : kKinds) cuptiActivityEnable(kind);
  }

  bool set_recording(bool on) override {
    if (!on) cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    bool ok = true;
    for (CUpti_ActivityKind kind : kKinds) {
      ok = (on ? cuptiActivityEnable(kind) : cuptiActivityDisable(kind)) == CUPTI_SUCCESS && ok;
    }
    return ok;
  }

 private:
  static void check(CUptiResult result, const std::string& what) {
    if (result != CUPTI_SUCCESS) throw std::runtime_error(fmt::format("{}: {}", what, cupti_error(result)));
  }

  Window m_window;
  std::string m_status;
  bool m_late_enable = false;   // ZOO_BENCH_CUPTI_PROBE=late, until the first forward is done
  uint32_t m_flush_flag = CUPTI_ACTIVITY_FLAG_FLUSH_FORCED;
};

#endif  // ZOO_BENCH_HAVE_CUPTI

}  // namespace

std::unique_ptr<GpuActivityRecorder> make_gpu_activity_recorder(const std::string& skip_reason) {
  if (!skip_reason.empty()) return std::make_unique<NoGpuActivity>(skip_reason);
#ifdef ZOO_BENCH_HAVE_CUPTI
  try {
    return std::make_unique<CuptiActivity>();
  } catch (const std::exception& e) {
    // CUPTI_ERROR_UNKNOWN here usually means no CUDA driver or GPU on this machine.
    return std::make_unique<NoGpuActivity>(
        fmt::format("CUPTI unavailable (no usable CUDA driver or GPU here?): {}", e.what()));
  }
#else
  return std::make_unique<NoGpuActivity>(
      "not available: zoo-bench was built without CUPTI (configure with the CUDA toolkit and -DZOO_BENCH_WITH_CUPTI=ON)");
#endif
}

}  // namespace zoobench
