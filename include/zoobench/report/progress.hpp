#pragma once
// The live progress line on a terminal: "[3/24] config 2/9 a.yaml: YuNet ['a.onnx'] on CUDA, trial 1/3, ETA 0:42".
// It is redrawn in place ("\r", erase to end of line) and erased before anything else is printed, so it
// never lands in a table. The caller decides whether to show it at all (only when stderr is a terminal
// and not --quiet): redirected output gets nothing from it.
#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace zoobench {

// What one benchmark is, in three parts: when the line is too wide for the terminal, `name` gives way
// first, so that the config count, the target, the trial and the ETA stay visible. It is replaced by the
// first of `shorter` that fits, and the last of those is cut at its start with "..." only as a last resort.
struct ProgressLabel {
  std::string config;  // "config 2/9"
  std::string name;    // "face_detection_yunet.yaml: YuNet ['a.onnx']"
  std::string where;   // "on CUDA, trial 1/3"
  std::vector<std::string> shorter = {};  // ever shorter forms of `name`
};

// The label of one model: its name drops ".yaml", then the config name (the line already says
// "config i/N"), then the family, so that the model file stems ("yunet_2023mar") stay visible longest.
ProgressLabel model_progress_label(std::string config, const std::string& config_file, const std::string& family,
                                   const std::vector<std::string>& model_files, std::string where);

class ProgressLine {
 public:
  // `total`: the benchmarks (runnable plan items) that will call start(); `columns`: the terminal width.
  ProgressLine(std::ostream& out, std::size_t total, int columns);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The next benchmark begins.
  void start(const ProgressLabel& what);
  // Erases the line (before other output); the next start() draws it again.
  void clear();

  // The line start() would draw after `done` of `total` benchmarks took `elapsed` (exposed for tests).
  static std::string text(std::size_t done, std::size_t total, const ProgressLabel& what,
                          std::optional<std::chrono::seconds> eta, int columns);

 private:
  std::ostream& m_out;
  std::size_t m_total;
  int m_columns;
  std::size_t m_started = 0;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_first_start;
};

// Whether stderr is a terminal, and its width (80 when it cannot be asked).
bool stderr_is_terminal();
int stderr_columns();

}  // namespace zoobench
