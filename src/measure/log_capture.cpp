#include "zoobench/measure/log_capture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <opencv2/core/utils/logger.hpp>

#include "zoobench/error.hpp"

namespace zoobench {

OpenCVLogCapture::OpenCVLogCapture() {
  std::fflush(stdout);
  std::fflush(stderr);
  std::cout.flush();
  char path[] = "/tmp/zoo-bench-log-XXXXXX";
  m_capture_fd = ::mkstemp(path);
  if (m_capture_fd < 0) throw Error("cannot create a temporary file to capture OpenCV's log (is /tmp writable?)");
  ::unlink(path);
  m_saved_stdout = ::dup(STDOUT_FILENO);
  m_saved_stderr = ::dup(STDERR_FILENO);
  ::dup2(m_capture_fd, STDOUT_FILENO);
  ::dup2(m_capture_fd, STDERR_FILENO);
}

OpenCVLogCapture::~OpenCVLogCapture() {
  if (!m_finished) finish();
  if (m_capture_fd >= 0) ::close(m_capture_fd);
}

std::string OpenCVLogCapture::finish() {
  if (m_finished) return {};
  m_finished = true;
  std::fflush(stdout);
  std::fflush(stderr);
  std::cout.flush();
  ::dup2(m_saved_stdout, STDOUT_FILENO);
  ::dup2(m_saved_stderr, STDERR_FILENO);
  ::close(m_saved_stdout);
  ::close(m_saved_stderr);
  std::string text;
  ::lseek(m_capture_fd, 0, SEEK_SET);
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(m_capture_fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

OpenCVLogLevel::OpenCVLogLevel(int level)
    : m_previous(cv::utils::logging::setLogLevel(static_cast<cv::utils::logging::LogLevel>(level))) {}

OpenCVLogLevel::~OpenCVLogLevel() {
  cv::utils::logging::setLogLevel(static_cast<cv::utils::logging::LogLevel>(m_previous));
}

}  // namespace zoobench
