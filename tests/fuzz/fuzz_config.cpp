// The config loader on arbitrary bytes: a ConfigError (naming the file, key and line) is the only
// acceptable way to refuse them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "zoobench/config/config.hpp"
#include "zoobench/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const zoobench::BenchmarkConfig config = zoobench::parse_config(text, "fuzz.yaml");
    (void)config.loader_kind();
    (void)config.metric_kind();
  } catch (const zoobench::ConfigError&) {
  }
  return 0;
}
