// libFuzzer target: the results JSON reader and the aggregation a report runs on what it accepts
// (tests/fuzz/fuzz_bodies.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz_bodies.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zoobench::fuzz::results_input(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
