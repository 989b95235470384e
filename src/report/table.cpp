#include "zoobench/report/table.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace zoobench {

Table::Table(std::vector<std::string> headers, std::vector<Align> align)
    : m_headers(std::move(headers)), m_align(std::move(align)) {
  m_align.resize(m_headers.size(), Align::Left);
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(m_headers.size());
  m_rows.push_back(std::move(cells));
}

std::string Table::to_text() const {
  std::vector<std::size_t> widths(m_headers.size());
  for (std::size_t c = 0; c < m_headers.size(); ++c) {
    widths[c] = m_headers[c].size();
    for (const auto& row : m_rows) widths[c] = std::max(widths[c], row[c].size());
  }
  auto render = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) line += "  ";
      line += m_align[c] == Align::Right ? fmt::format("{:>{}}", cells[c], widths[c])
                                         : fmt::format("{:<{}}", cells[c], widths[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out = render(m_headers);
  for (const auto& row : m_rows) out += render(row);
  return out;
}

std::string Table::to_markdown() const {
  auto escape = [](std::string s) {
    std::string out;
    for (char ch : s) {
      if (ch == '|') out += '\\';
      out += ch;
    }
    return out;
  };
  auto render = [&](const std::vector<std::string>& cells) {
    std::string line = "|";
    for (const auto& cell : cells) line += " " + escape(cell) + " |";
    return line + "\n";
  };
  std::string out = render(m_headers);
  out += "|";
  for (auto a : m_align) out += a == Align::Right ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : m_rows) out += render(row);
  return out;
}

}  // namespace zoobench
