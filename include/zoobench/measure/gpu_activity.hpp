#pragma once
// What the GPU did during a call, from CUPTI's activity API when zoo-bench was built with it
// (ZOO_BENCH_WITH_CUPTI, CMake's CUDA::cupti): kernels, copies and memsets with their GPU timestamps.
// Without CUPTI the recorder says why and records nothing; nothing fails.
#include <memory>
#include <string>

#include "zoobench/stats/layer_profile.hpp"

namespace zoobench {

class GpuActivityRecorder {
 public:
  virtual ~GpuActivityRecorder() = default;

  virtual bool available() const = 0;
  // "CUPTI activity API (CUPTI 13.0)" or why there is no GPU activity, e.g. "built without CUPTI".
  virtual std::string status() const = 0;

  // Starts a window: what was recorded before is flushed and dropped.
  virtual void begin() = 0;
  // Ends the window (forced flush, so no record stays in a half-filled buffer) and returns its records;
  // wall_ms is the caller's, left 0 here.
  virtual profile::GpuForward end() = 0;

  // Turns the recording off and on again (CUPTI's activity kinds disabled / enabled), for forwards
  // timed without CUPTI's own cost as a control. Returns false when that failed or there is no CUPTI.
  virtual bool set_recording(bool on) = 0;

  // Told once the first forward of the first net is done. Only the diagnosis mode
  // ZOO_BENCH_CUPTI_PROBE=late uses it (below).
  virtual void first_forward_done() {}
};

// The CUPTI recorder, enabled at once (create it before any net is set up, so the kernels of the first
// forward are recorded too), or the "not available" one saying why: `skip_reason` when it is not empty
// (e.g. no CUDA target selected), a build without CUPTI, or CUPTI's own refusal. CUPTI's activity API
// is process-wide: one recorder at a time.
// Diagnosis of why an early probe got copy records but no kernel records (README "Reading a profile"):
// ZOO_BENCH_CUPTI_PROBE=late enables the activity kinds only after the first forward (as that probe
// did, the context and net already set up), =plain-flush flushes without CUPTI_ACTIVITY_FLAG_FLUSH_FORCED.
// The status line names the mode.
std::unique_ptr<GpuActivityRecorder> make_gpu_activity_recorder(const std::string& skip_reason = {});

}  // namespace zoobench
