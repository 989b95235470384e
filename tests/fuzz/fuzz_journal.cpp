// libFuzzer target: the journal reader that --resume uses, and the aggregation of what it keeps
// (tests/fuzz/fuzz_bodies.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz_bodies.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zoobench::fuzz::journal_input(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
