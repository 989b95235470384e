// The measurement core keeps the heap steady (measure/heap.hpp): a buffer of tens of MB allocated and
// freed on every call (as OpenCV's convolution scratch is on every forward) must not come back from
// the kernel as fresh pages each time. With glibc's defaults it does (40 MB is above the largest mmap
// threshold, so every allocation is a fresh mmap): about 10,000 minor page faults per call.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "zoobench/measure/heap.hpp"
#include "zoobench/measure/measure.hpp"

namespace zoobench {
namespace {

long minor_faults() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// One "call": allocate, touch every page, free; the asm keeps the compiler from eliding the pair.
void scratch_call(std::size_t bytes, int fill) {
  char* p = static_cast<char*>(std::malloc(bytes));
  ASSERT_NE(p, nullptr);
  std::memset(p, fill, bytes);
  asm volatile("" : : "g"(p) : "memory");
  std::free(p);
}

TEST(Heap, ARunnerKeepsFreedScratchBuffersInTheProcess) {
  if (std::getenv("ZOO_BENCH_MALLOC") != nullptr) GTEST_SKIP() << "ZOO_BENCH_MALLOC is set: the heap is as asked";
  const Runner runner([](RunRecord) {}, [](const std::string&) {});  // the core pins the heap
  // A sanitizer's allocator replaces glibc's: mallopt is refused there and there is nothing to pin.
  if (heap_policy().find("mallopt refused") != std::string::npos) GTEST_SKIP() << heap_policy();
  constexpr std::size_t kBytes = 40u << 20;  // 10,240 pages
  for (int i = 0; i < 2; ++i) scratch_call(kBytes, i);  // warm-up: the heap grows once
  const long before = minor_faults();
  for (int i = 0; i < 5; ++i) scratch_call(kBytes, i);
  const long per_call = (minor_faults() - before) / 5;
  EXPECT_LT(per_call, 100) << "each call faulted " << per_call << " fresh pages in";
  EXPECT_NE(heap_policy().find("pinned"), std::string::npos) << heap_policy();  // (asking pins it, so last)
}

TEST(Heap, TheDefaultIsKeptWhenAsked) {
  // ZOO_BENCH_MALLOC=default is read once per process; only a process started with it sees it.
  if (std::getenv("ZOO_BENCH_MALLOC") == nullptr) GTEST_SKIP() << "run with ZOO_BENCH_MALLOC=default";
  EXPECT_FALSE(pin_heap());
  EXPECT_NE(heap_policy().find("ZOO_BENCH_MALLOC=default"), std::string::npos) << heap_policy();
}

}  // namespace
}  // namespace zoobench
