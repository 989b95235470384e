// The cross-hardware chart as SVG, written by hand: a few rects, lines and texts need no library.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "zoobench/report/columns.hpp"
#include "zoobench/report/cross_report.hpp"

namespace zoobench {

namespace {

constexpr double kWidth = 900, kPlotLeft = 20, kPlotRight = 760;  // value labels go right of the plot
constexpr double kLegendLine = 16;
constexpr double kBar = 11, kBarGap = 2, kGroupLabel = 16, kGroupGap = 10, kAxis = 34;

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// One hue per target (in the order the table's targets come), each file a lighter shade of it: every
// file x target series gets its own fill however many files there are.
class SeriesColours {
 public:
  SeriesColours(const CrossTable& table, std::size_t runs) : m_runs(std::max<std::size_t>(runs, 1)) {
    for (const auto& c : table.columns) {
      if (std::find(m_targets.begin(), m_targets.end(), c.pair.index) == m_targets.end()) {
        m_targets.push_back(c.pair.index);
      }
    }
    std::sort(m_targets.begin(), m_targets.end());
  }
  std::string of(int pair_index, std::size_t run) const {
    static const int hue[][3] = {{0x6b, 0x6b, 0x6b}, {0x2e, 0x8b, 0x3a}, {0x1f, 0x5f, 0xa8}, {0x8a, 0x4f, 0xb0},
                                 {0xb0, 0x60, 0x2a}, {0x1a, 0x8a, 0x8a}, {0xa8, 0x2a, 0x6a}, {0x8a, 0x7a, 0x1a}};
    constexpr std::size_t kHues = sizeof(hue) / sizeof(hue[0]);
    const auto target = static_cast<std::size_t>(
        std::find(m_targets.begin(), m_targets.end(), pair_index) - m_targets.begin());
    // Up to 70% of the way to white for the last file: still visible on the white background.
    const double towards_white =
        0.7 * static_cast<double>(run) / static_cast<double>(std::max<std::size_t>(m_runs - 1, 1));
    const int* base = hue[target % kHues];
    auto mix = [&](int c) { return static_cast<int>(std::lround(c + (255 - c) * towards_white)); };
    return fmt::format("#{:02x}{:02x}{:02x}", mix(base[0]), mix(base[1]), mix(base[2]));
  }

 private:
  std::size_t m_runs;
  std::vector<int> m_targets;
};

// The legend names the CPU series by the machine's CPU: "H200 CPU" would read as a chip named H200.
std::string series_name(const CrossColumn& column, const std::vector<LabelledRun>& runs) {
  const Environment& env = runs[column.run].set.environment;
  if (column.pair.index != 0 || env.gpus.empty()) return column_header(column, runs);
  return fmt::format("{} host CPU{}", runs[column.run].label, env.cpu.empty() ? "" : " (" + env.cpu + ")");
}

struct LogAxis {
  double lo_decade = 0, hi_decade = 1;  // log10 of the axis ends
  double x(double ms) const {
    const double t = (std::log10(ms) - lo_decade) / (hi_decade - lo_decade);
    return kPlotLeft + std::clamp(t, 0.0, 1.0) * (kPlotRight - kPlotLeft);
  }
};

LogAxis axis_for(const CrossTable& table) {
  double lo = std::numeric_limits<double>::max(), hi = 0;
  for (const auto& row : table.rows) {
    for (const auto* c : row.cells) {
      if (c != nullptr && c->median > 0 && std::isfinite(c->median)) {  // an infinite axis never ends
        lo = std::min(lo, c->median);
        hi = std::max(hi, c->median);
      }
    }
  }
  if (hi <= 0) return {};
  LogAxis axis{std::floor(std::log10(lo)), std::ceil(std::log10(hi))};
  if (axis.hi_decade <= axis.lo_decade) axis.hi_decade = axis.lo_decade + 1;
  return axis;
}

std::string decade_label(double decade) {
  const double v = std::pow(10.0, decade);
  return v >= 1 ? fmt::format("{:.0f} ms", v) : fmt::format("{:g} ms", v);
}

}  // namespace

std::string svg_chart(const CrossTable& table, const std::vector<LabelledRun>& runs) {
  const LogAxis axis = axis_for(table);
  const SeriesColours colours(table, runs.size());
  const double group_height = kGroupLabel + static_cast<double>(table.columns.size()) * (kBar + kBarGap) + kGroupGap;
  std::string out;
  // Legend: one swatch per column, wrapped to the width, then the marks.
  double lx = kPlotLeft, ly = 32;
  for (const auto& c : table.columns) {
    const std::string name = series_name(c, runs);
    const double width = 24 + 7.0 * static_cast<double>(name.size());
    if (lx > kPlotLeft && lx + width > kWidth) {
      lx = kPlotLeft;
      ly += kLegendLine;
    }
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"10\" fill=\"{}\"/><text x=\"{:.1f}\" "
                       "y=\"{:.1f}\">{}</text>\n",
                       lx, ly, colours.of(c.pair.index, c.run), lx + 16, ly + 9, xml_escape(name));
    lx += width;
  }
  ly += kLegendLine;
  out += fmt::format("<rect x=\"{0:.1f}\" y=\"{4:.1f}\" width=\"12\" height=\"10\" fill=\"#6b6b6b\"/>"
                     "<rect x=\"{0:.1f}\" y=\"{4:.1f}\" width=\"12\" height=\"10\" fill=\"url(#fallback)\"/>"
                     "<text x=\"{1:.1f}\" y=\"{5:.1f}\">hatched: CPU fallback or unverified placement</text>"
                     "<rect x=\"{2:.1f}\" y=\"{4:.1f}\" width=\"12\" height=\"10\" fill=\"#ffffff\" stroke=\"#d62728\" "
                     "stroke-width=\"2\"/><text x=\"{3:.1f}\" y=\"{5:.1f}\">red outline: answer differs from the "
                     "CPU's</text>\n",
                     kPlotLeft, kPlotLeft + 16, kPlotLeft + 300, kPlotLeft + 316, ly, ly + 9);
  const double top = ly + kLegendLine + 8;
  const double plot_bottom = top + static_cast<double>(table.rows.size()) * group_height;

  // Decade grid lines and their labels below the plot.
  for (double d = axis.lo_decade; d <= axis.hi_decade + 1e-9; d += 1) {
    const double x = axis.x(std::pow(10.0, d));
    out += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
                       "stroke=\"#dddddd\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
                       x, top - 4, plot_bottom, plot_bottom + 16, decade_label(d));
  }

  double y = top;
  for (const auto& row : table.rows) {
    const std::string name = fmt::format("{} {} {}", row.model, row.file_list,
                                         row.input_size.empty() ? "" : size_text(row.input_size));
    out += fmt::format("<text class=\"model\" x=\"{:.1f}\" y=\"{:.1f}\" font-weight=\"bold\">{}</text>\n", kPlotLeft,
                       y + kGroupLabel - 4, xml_escape(name));
    double by = y + kGroupLabel;
    for (std::size_t c = 0; c < table.columns.size(); ++c, by += kBar + kBarGap) {
      const BenchmarkRow* r = row.cells[c];
      if (r == nullptr || r->median <= 0) {
        // A mark of its own, so that a missing bar is not read as a bar too short to see.
        out += fmt::format("<text class=\"absent\" x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"9\" fill=\"#777777\" "
                           "data-model=\"{}\" data-column=\"{}\">- not measured{}</text>\n",
                           kPlotLeft + 2, by + kBar - 2, xml_escape(name),
                           xml_escape(column_header(table.columns[c], runs)),
                           r == nullptr ? "" : xml_escape(fmt::format(" ({})", status_name(r->status))));
        continue;
      }
      const bool fallback = r->placement.checked() && !r->placement.verified();
      const double width = std::max(1.0, axis.x(r->median) - kPlotLeft);
      const std::string fill = colours.of(table.columns[c].pair.index, table.columns[c].run);
      const std::string stroke = r->answer_differs() ? " stroke=\"#d62728\" stroke-width=\"2\"" : "";
      out += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.0f}\" "
                         "fill=\"{}\"{} data-model=\"{}\" data-column=\"{}\" data-ms=\"{:.6g}\"/>\n",
                         kPlotLeft, by, width, kBar, fill, stroke, xml_escape(name),
                         xml_escape(column_header(table.columns[c], runs)), r->median);
      // The hatch lies over the bar (not a mark of its own), so the target's colour stays visible.
      if (fallback) {
        out += fmt::format("<rect class=\"hatch\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.0f}\" "
                           "fill=\"url(#fallback)\"/>\n",
                           kPlotLeft, by, width, kBar);
      }
      std::string label = format_ms(r->median);
      if (r->speedup) label += fmt::format("  {:.2f}x", r->speedup->ratio);
      if (fallback) label += r->placement.fell_back() ? "  FALLBACK" : "  UNVERIFIED";
      if (r->answer_differs()) label += "  ANSWER DIFFERS";
      out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"9\">{}</text>\n", kPlotLeft + width + 4,
                         by + kBar - 2, xml_escape(label));
    }
    y += group_height;
  }
  out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#333333\"/>\n",
                     kPlotLeft, plot_bottom, kPlotRight);
  out += "</svg>\n";
  const double height = plot_bottom + kAxis + 10;
  const std::string header = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n"
      "<defs><pattern id=\"fallback\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" "
      "stroke-width=\"3\"/></pattern></defs>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
      "<text x=\"{2:.0f}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Median time per benchmark (ms, log scale; "
      "shorter is faster)</text>\n",
      kWidth, height, kPlotLeft);

  return header + out;
}

}  // namespace zoobench
