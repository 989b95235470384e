#pragma once
// A steady heap for timed calls. With glibc's defaults a buffer of a few MB that a forward (OpenCV's
// convolution scratch) or a preprocess (a fresh blob per call) allocates and frees is either mmapped
// afresh on every call or lands at the top of the heap, which free() trims back to the kernel once
// the top passes the (dynamic) trim threshold. Either way the next call touches fresh pages: minor
// page faults in the timed stage, which on a many-core host (16 threads faulting one address space)
// cost more than the forward itself. Whether it happens depends on the heap's history: a net loaded
// after a few others (zoo-bench loads one per row) can hit it while a long-lived net does not.
// zoo-bench therefore keeps freed memory in the process: no mmapped chunks, no trimming.
#include <string>

namespace zoobench {

// Pins glibc's malloc (M_MMAP_MAX 0, M_TRIM_THRESHOLD 1 GiB) unless ZOO_BENCH_MALLOC=default; the
// measurement core calls it (Runner's constructor). Idempotent. True when the heap is pinned.
bool pin_heap();

// What the process runs with, for reports: "pinned (...)" or why not (asking never pins).
std::string heap_policy();

}  // namespace zoobench
