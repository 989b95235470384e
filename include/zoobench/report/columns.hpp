#pragma once
// The one column table: every column of a benchmark row, defined once with its header, its CSV/JSON
// id, its text and its machine value. The console, Markdown, CSV and JSON reporters all render these
// columns, so a new column or statistic is one entry in src/report/columns.cpp.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zoobench/report/table.hpp"
#include "zoobench/stats/aggregate.hpp"

namespace zoobench {

struct Cell {
  std::string text;       // for the console and Markdown
  nlohmann::json value;   // for CSV and JSON: a number, string, bool or null
};

struct Column {
  std::string id;         // snake_case: CSV header and JSON key
  std::string header;     // console and Markdown header
  Table::Align align = Table::Align::Left;
  bool console = true;    // shown in the console's main table (all columns go to files)
  std::function<Cell(const BenchmarkRow&)> cell;
};

// Every row column, in display order.
const std::vector<Column>& row_columns();

// The columns whose `console` flag is set (or all), as a table over the measured rows.
Table rows_table(const ResultSet& set, bool console_only);

// Text forms shared by several views.
std::string format_ms(double ms);                      // "12.34"
std::string size_text(const cv::Size& size);           // "[640, 480]"
std::string shapes_text(const std::vector<std::vector<int>>& shapes);  // "1x3x416x416" or "-"
std::string speedup_text(const BenchmarkRow& row);     // "2.31x (2.20-2.45)", "CPU FALLBACK", "-"
std::string answer_text(const BenchmarkRow& row);      // "same (3/3 boxes, IoU 0.99)", "ANSWER DIFFERS: ...", "-"

}  // namespace zoobench
