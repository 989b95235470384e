#pragma once
// What one fuzz input goes through, shared by the libFuzzer targets (tests/fuzz/*.cpp) and the test
// that replays the kept regression inputs (tests/fuzz_regressions_test.cpp). Refusing an input with the
// project's own error is fine; any other exception escapes and is a finding.
#include <string>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/error.hpp"
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
  (void)results_json(set, stored.complete).dump();
}

}  // namespace zoobench::fuzz
