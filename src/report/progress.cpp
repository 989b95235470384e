#include "zoobench/report/progress.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace zoobench {

namespace {

constexpr const char* kEraseLine = "\r\033[K";

std::string duration_text(std::chrono::seconds s) {
  const long long total = s.count();
  if (total >= 3600) return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

std::string without_suffix(const std::string& text, const std::string& suffix) {
  const bool has =
      text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
  return has ? text.substr(0, text.size() - suffix.size()) : text;
}

}  // namespace

ProgressLine::ProgressLine(std::ostream& out, std::size_t total, int columns)
    : m_out(out), m_total(total), m_columns(columns) {}

ProgressLine::~ProgressLine() { clear(); }

std::string ProgressLine::text(std::size_t done, std::size_t total, const ProgressLabel& what,
                               std::optional<std::chrono::seconds> eta, int columns) {
  const std::string head = fmt::format("[{}/{}] {} ", done + 1, total, what.config);
  const std::string tail = " " + what.where + (eta ? ", ETA " + duration_text(*eta) : ", ETA after the first benchmark");
  // A line wider than the terminal wraps, and "\r" would then erase only its last part.
  const auto width = static_cast<std::size_t>(columns > 1 ? columns - 1 : 1);
  const std::string line = head + what.name + tail;
  if (line.size() <= width) return line;
  // Shorten the name first: the counts, the target, the trial and the ETA are what the line is for.
  const std::size_t fixed = head.size() + tail.size();
  for (const auto& shorter : what.shorter) {
    if (fixed + shorter.size() <= width) return head + shorter + tail;
  }
  constexpr std::size_t kMinName = 4;  // "...Y" says little, but says that something was cut
  if (width >= fixed + kMinName) {
    // The end of the shortest form: model files differ at their end ("_2022mar", "_2023mar").
    const std::string& name = what.shorter.empty() ? what.name : what.shorter.back();
    return head + "..." + name.substr(name.size() - (width - fixed - 3)) + tail;
  }
  return line.substr(0, width);  // a terminal too narrow even for that: its start
}

void ProgressLine::start(const ProgressLabel& what) {
  const auto now = std::chrono::steady_clock::now();
  if (m_started == 0) m_first_start = now;
  std::optional<std::chrono::seconds> eta;
  if (m_started > 0) {
    // The benchmarks so far, on average, for each one left (this one included).
    const auto per_item = (now - m_first_start) / m_started;
    const std::size_t left = m_total > m_started ? m_total - m_started : 0;
    // Rounded up: "0:00" while work remains would say it is done.
    eta = std::chrono::ceil<std::chrono::seconds>(per_item * left);
  }
  fmt::print(m_out, "{}{}", kEraseLine, text(m_started, m_total, what, eta, m_columns));
  m_out.flush();
  m_drawn = true;
  ++m_started;
}

void ProgressLine::clear() {
  if (!m_drawn) return;
  fmt::print(m_out, "{}", kEraseLine);
  m_out.flush();
  m_drawn = false;
}

ProgressLabel model_progress_label(std::string config, const std::string& config_file, const std::string& family,
                                   const std::vector<std::string>& model_files, std::string where) {
  const std::string files = "['" + fmt::format("{}", fmt::join(model_files, "', '")) + "']";
  std::vector<std::string> stems;
  for (const auto& file : model_files) stems.push_back(without_suffix(file, ".onnx"));
  const std::string stem_list = fmt::format("{}", fmt::join(stems, " "));
  const std::string config_stem = without_suffix(config_file, ".yaml");
  ProgressLabel label{std::move(config), fmt::format("{}: {} {}", config_file, family, files), std::move(where), {}};
  label.shorter = {fmt::format("{}: {} {}", config_stem, family, files), fmt::format("{} {}", family, files),
                   fmt::format("{} {}", family, stem_list), stem_list};
  return label;
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

int stderr_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace zoobench
