#pragma once
// Captures OpenCV's log around a call. OpenCV's logger writes INFO lines (per-layer CUDA fallback)
// to stdout and warnings to stderr, and only at the level set at the time, so both descriptors are
// redirected and the level raised to INFO for the scope. Restored on every path (RAII).
#include <string>
#include <utility>

#include <climits>  // logger.defines.hpp uses INT_MAX without including it

#include <opencv2/core/utils/logger.defines.hpp>

namespace zoobench {

class OpenCVLogCapture {
 public:
  OpenCVLogCapture();
  ~OpenCVLogCapture();
  OpenCVLogCapture(const OpenCVLogCapture&) = delete;
  OpenCVLogCapture& operator=(const OpenCVLogCapture&) = delete;

  // Restores stdout and stderr and returns what was written meanwhile.
  std::string finish();

 private:
  int m_saved_stdout = -1;
  int m_saved_stderr = -1;
  int m_capture_fd = -1;
  bool m_finished = false;
};

// Sets OpenCV's log level for a scope.
class OpenCVLogLevel {
 public:
  explicit OpenCVLogLevel(int level);
  ~OpenCVLogLevel();
  OpenCVLogLevel(const OpenCVLogLevel&) = delete;
  OpenCVLogLevel& operator=(const OpenCVLogLevel&) = delete;

 private:
  int m_previous;
};

// Runs `call` with OpenCV's log captured at INFO level and appends what it wrote to `log`, also when
// `call` throws (the exception is rethrown after the log is kept).
template <typename Call>
auto with_captured_log(std::string& log, Call&& call) -> decltype(call()) {
  OpenCVLogLevel info_level(cv::utils::logging::LOG_LEVEL_INFO);
  OpenCVLogCapture capture;
  struct Keep {
    OpenCVLogCapture& capture;
    std::string& log;
    ~Keep() { log += capture.finish(); }
  } keep{capture, log};
  return std::forward<Call>(call)();
}

}  // namespace zoobench
