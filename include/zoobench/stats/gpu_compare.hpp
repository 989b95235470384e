#pragma once
// `--device` runs: which GPU measured each row, and the GPUs side by side (what each ran, whether memory
// was seen taken on it, and, for benchmarks whose trials ran on several GPUs, the median on each).
// Computed once here, from the records; reporters only format it.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "zoobench/measure/record.hpp"

namespace zoobench {

struct BenchmarkRow;

struct GpuTally {
  int index = -1;
  std::string name, uuid;
  int records = 0, ok = 0, failed = 0;          // CUDA records it ran (one per trial and input size)
  int memory_seen = 0, memory_not_seen = 0;     // of its ok records: memory taken on it, or not (unknown: neither)
  double measured_ms = 0;                       // the sum of its ok records' timed samples: the work it did
};

// A row whose trials ran on more than one GPU: the median of each GPU's trial medians, by GPU index.
struct GpuRowMedians {
  std::size_t row = 0;                          // into ResultSet::rows
  std::vector<std::pair<int, double>> medians;  // (GPU index, ms), by index
};

struct GpuComparison {
  std::vector<GpuTally> gpus;                   // by index; empty when no record names a GPU
  std::vector<GpuRowMedians> rows;

  bool empty() const { return gpus.empty(); }
};

// The GPU indices of a row's records, ascending and distinct.
std::vector<int> gpus_of(const BenchmarkRow& row, const std::vector<RunRecord>& records);

GpuComparison compare_gpus(const std::vector<BenchmarkRow>& rows, const std::vector<RunRecord>& records);

}  // namespace zoobench
