#pragma once
// What one fuzz input goes through, shared by the libFuzzer targets (tests/fuzz/*.cpp) and the test
// that replays the kept regression inputs (tests/fuzz_regressions_test.cpp). Refusing an input with the
// project's own error is fine; any other exception escapes and is a finding.
#include <sstream>
#include <string>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/error.hpp"
#include "zoobench/report/json_text.hpp"
#include "zoobench/report/results_json.hpp"

namespace zoobench::fuzz {

// The config loader: a ConfigError (naming the file, key and line) is the only acceptable refusal.
inline void config_input(const std::string& text) {
  try {
    const BenchmarkConfig config = parse_config(text, "fuzz.yaml");
    (void)config.loader_kind();
    (void)config.metric_kind();
  } catch (const ConfigError&) {
  }
}

// The results reader, as `zoo-bench report FILE`, --baseline and --resume use it: parsed and, when
// accepted, aggregated and written back. An Error naming the file and key is the only acceptable refusal.
inline void results_input(const std::string& text) {
  StoredResults stored;
  try {
    stored = parse_results_json(text, "fuzz.json");
  } catch (const Error&) {
    return;
  }
  const ResultSet set = aggregate(stored.environment, std::move(stored.records), {}, "", tolerance_for_model);
  (void)json_text(results_json(set, stored.complete));
}

// The journal reader, as --resume uses it: the last run's header, then that run's records, aggregated and
// written back as the resumed run's results would be. An Error is the only acceptable refusal.
inline void journal_input(const std::string& text) {
  Environment environment;
  try {
    std::istringstream header(text);
    environment = last_journal_environment(header, "fuzz.journal.jsonl");
  } catch (const Error&) {
    environment.run_id = "fuzz";  // --resume of a results file reads its journal with the file's run id
  }
  std::istringstream lines(text);
  JournalContents contents = read_journal(lines, environment.run_id);
  const ResultSet set = aggregate(environment, std::move(contents.records), {}, "", tolerance_for_model);
  (void)json_text(results_json(set, false));
}

}  // namespace zoobench::fuzz
