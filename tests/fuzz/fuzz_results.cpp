// The results reader on arbitrary bytes, as `zoo-bench report FILE` and --baseline/--resume use it: the
// file is parsed and, when accepted, aggregated and written back. An Error (naming the file and key)
// is the only acceptable way to refuse it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/error.hpp"
#include "zoobench/report/results_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  zoobench::StoredResults stored;
  try {
    stored = zoobench::parse_results_json(text, "fuzz.json");
  } catch (const zoobench::Error&) {
    return 0;
  }
  const zoobench::ResultSet set =
      zoobench::aggregate(stored.environment, std::move(stored.records), {}, "", zoobench::tolerance_for_model);
  (void)zoobench::results_json(set, stored.complete).dump();
  return 0;
}
