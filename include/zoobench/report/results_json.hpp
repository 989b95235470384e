#pragma once
// The JSON results file (schema version 2): environment, notes, one object per row with every
// column of report/columns.hpp, and every record with its raw samples and structured answers, so
// that later commands (--baseline, compare) can recompute from the samples. Reading it back is
// strict: a file of another schema or a malformed one is a one-line error naming the file and key.
#include <filesystem>
#include <istream>
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
// The same for text already read; `source` names it in errors.
StoredResults parse_results_json(const std::string& text, const std::string& source);

// The journal beside a results file (JSON Lines): a header line when a run starts, then one line per
// record as it is made, each tagged with the run's id.
std::string journal_header_line(const Environment& environment);
std::string journal_record_line(const std::string& run_id, const RunRecord& record);

struct JournalContents {
  std::vector<RunRecord> records;  // those of the asked run, in the order they were made
  int skipped_lines = 0;           // lines cut by a kill (or otherwise unreadable), skipped
};
// Throws Error when the journal cannot be opened.
JournalContents read_journal(const std::filesystem::path& file, const std::string& run_id);
JournalContents read_journal(std::istream& in, const std::string& run_id);

// The environment (with its run id) of the last run that began in the journal: what --resume needs when
// the results file itself was never written. Throws Error when the journal holds no readable header.
Environment last_journal_environment(const std::filesystem::path& file);
Environment last_journal_environment(std::istream& in, const std::string& source);  // source names it in errors

}  // namespace zoobench
