#pragma once
// The zoo's cross-hardware table (`zoo-bench report A.json B.json ...`): rows are benchmarks (model,
// files, input size), columns are run x backend/target, cells the median with the speed-up against
// that run's own CPU row (computed in stats/aggregate.cpp), fallback and answer-differs marked. As
// Markdown, CSV (one line per cell) and an SVG bar chart with a log time axis.
#include <string>
#include <vector>

#include "zoobench/stats/aggregate.hpp"

namespace zoobench {

struct LabelledRun {
  std::string label;  // the machine ("H200", or "H200 (run1)" when two runs share a machine)
  std::string file;   // the results file it was read from
  ResultSet set;
};

// Machine labels: the first GPU's name (else the CPU's), with the file's stem added when two runs
// would otherwise share a label.
std::vector<std::string> run_labels(const std::vector<Environment>& environments,
                                    const std::vector<std::string>& files);

struct CrossColumn {
  std::size_t run = 0;  // index into the runs
  BackendTarget pair;
};

struct CrossRow {
  std::string model, file_list, precision;
  cv::Size input_size;
  std::vector<const BenchmarkRow*> cells;  // one per column; nullptr where that run has no measured row
};

struct CrossTable {
  std::vector<CrossColumn> columns;  // run by run, pairs in index order
  std::vector<CrossRow> rows;        // first-seen order over the runs
};

// Measured rows only (not rows read from a --baseline file); the runs must outlive the table.
CrossTable cross_table(const std::vector<LabelledRun>& runs);

std::string column_header(const CrossColumn& column, const std::vector<LabelledRun>& runs);  // "H200 CUDA"
std::string cross_cell_text(const BenchmarkRow& row);  // "3.21 (4.10x)", "12.30 FALLBACK", "... ANSWER DIFFERS"

std::string cross_markdown(const CrossTable& table, const std::vector<LabelledRun>& runs);
std::string cross_csv(const CrossTable& table, const std::vector<LabelledRun>& runs);

// Per benchmark, one horizontal bar per column (CPU, CUDA, CUDA FP16 side by side, one colour per
// target, a lighter shade per further run), log time axis; every bar is one <rect class="bar"> with
// data-ms; fallback bars hatched, answer-differs bars outlined in red, both labelled in words.
std::string svg_chart(const CrossTable& table, const std::vector<LabelledRun>& runs);

}  // namespace zoobench
