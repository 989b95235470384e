#include "zoobench/measure/heap.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace zoobench {

namespace {

std::mutex g_lock;
bool g_asked = false;  // pin_heap() ran (once per process)
bool g_pinned = false;
std::string g_policy;

bool opted_out() {
  const char* value = std::getenv("ZOO_BENCH_MALLOC");
  return value != nullptr && std::strcmp(value, "default") == 0;
}

}  // namespace

bool pin_heap() {
  const std::lock_guard<std::mutex> guard(g_lock);
  if (g_asked) return g_pinned;
  g_asked = true;
#if defined(__GLIBC__)
  if (opted_out()) {
    g_policy = "glibc default (ZOO_BENCH_MALLOC=default)";
  } else if (::mallopt(M_MMAP_MAX, 0) == 1 && ::mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1) {
    g_pinned = true;
    g_policy = "pinned (glibc malloc: no mmap, no trim)";
  } else {
    g_policy = "glibc default (mallopt refused)";
  }
#else
  g_policy = "the C library's default (not glibc)";
#endif
  return g_pinned;
}

std::string heap_policy() {
  const std::lock_guard<std::mutex> guard(g_lock);
  return g_asked ? g_policy : "the C library's default (not pinned yet)";
}

}  // namespace zoobench
