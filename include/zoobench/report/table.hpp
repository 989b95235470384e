#pragma once
// A plain text table rendered for the terminal (aligned columns) or as GitHub Markdown.
#include <string>
#include <vector>

namespace zoobench {

class Table {
 public:
  enum class Align { Left, Right };

  explicit Table(std::vector<std::string> headers, std::vector<Align> align = {});

  void add_row(std::vector<std::string> cells);
  bool empty() const { return m_rows.empty(); }

  std::string to_text() const;      // columns padded with spaces, two spaces apart
  std::string to_markdown() const;  // | a | b | with an alignment row; '|' in cells escaped

 private:
  std::vector<std::string> m_headers;
  std::vector<Align> m_align;
  std::vector<std::vector<std::string>> m_rows;
};

}  // namespace zoobench
