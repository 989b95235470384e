#pragma once
// The JSON results file (schema version 2): environment, notes, one object per row with every
// column of report/columns.hpp, and every record with its raw samples and structured answers, so
// that later commands (--baseline, compare) can recompute from the samples. Reading it back is
// strict: a file of another schema or a malformed one is a one-line error naming the file and key.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zoobench/stats/aggregate.hpp"

namespace zoobench {

constexpr int kResultsSchemaVersion = 2;

nlohmann::json results_json(const ResultSet& set, bool complete);

nlohmann::json answer_json(const ModelResult& answer);
ModelResult answer_from_json(const nlohmann::json& j);  // masks are stored as class counts only

struct StoredResults {
  bool complete = false;           // false: the run was cut short (a snapshot written while it ran)
  std::string baseline_file;       // the --baseline FILE that run compared with, if any
  Environment environment;
  std::vector<RunRecord> records;  // samples, answers, placement state, identity; no raw outputs
};

// Throws Error naming the file and what is wrong.
StoredResults read_results_file(const std::filesystem::path& file);

}  // namespace zoobench
