#pragma once
// Formats a RunComparison (stats/compare.hpp): the per-row table with the geometric-mean rows, the
// placement and answer changes, the rows only one run has; as console text, Markdown or JSON.
#include <string>

#include <nlohmann/json.hpp>

#include "zoobench/report/table.hpp"
#include "zoobench/stats/compare.hpp"

namespace zoobench {

// "1.023x (0.981-1.067)", or "1.023x" without an interval.
std::string ratio_text(double ratio, const std::optional<stats::Interval>& ci95);

Table change_table(const RunComparison& comparison);  // rows, then one row per geometric mean
std::vector<std::string> change_lines(const RunComparison& comparison);  // placement/answer changes
std::vector<std::string> unmatched_lines(const RunComparison& comparison);

// The whole report. `base_file` and `new_file` name the inputs in its header.
std::string compare_text(const RunComparison& comparison, const std::string& base_file, const std::string& new_file);
std::string compare_markdown(const RunComparison& comparison, const std::string& base_file,
                             const std::string& new_file);
nlohmann::json compare_json(const RunComparison& comparison, const std::string& base_file,
                            const std::string& new_file);

}  // namespace zoobench
