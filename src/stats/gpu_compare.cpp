#include "zoobench/stats/gpu_compare.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "zoobench/stats/aggregate.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

std::vector<int> gpus_of(const BenchmarkRow& row, const std::vector<RunRecord>& records) {
  std::set<int> indices;
  for (const std::size_t i : row.record_indices) {
    if (i < records.size() && records[i].gpu) indices.insert(records[i].gpu->index);
  }
  return {indices.begin(), indices.end()};
}

GpuComparison compare_gpus(const std::vector<BenchmarkRow>& rows, const std::vector<RunRecord>& records) {
  std::map<int, GpuTally> tallies;
  for (const auto& r : records) {
    if (!r.gpu) continue;
    GpuTally& t = tallies[r.gpu->index];
    t.index = r.gpu->index;
    t.name = r.gpu->name;
    t.uuid = r.gpu->uuid;
    ++t.records;
    if (r.status == Status::Failed) ++t.failed;
    if (r.status != Status::Ok) continue;
    ++t.ok;
    if (r.gpu->memory_seen()) ++t.memory_seen;
    else if (r.gpu->memory_taken >= 0) ++t.memory_not_seen;
    for (double v : r.samples.total) t.measured_ms += v;
  }
  GpuComparison comparison;
  for (auto& [index, tally] : tallies) comparison.gpus.push_back(std::move(tally));

  for (std::size_t row = 0; row < rows.size(); ++row) {
    std::map<int, std::vector<double>> trial_medians;
    for (const std::size_t i : rows[row].record_indices) {
      if (i >= records.size()) continue;
      const RunRecord& r = records[i];
      if (r.gpu && r.status == Status::Ok && !r.samples.total.empty()) {
        trial_medians[r.gpu->index].push_back(stats::median(r.samples.total));
      }
    }
    if (trial_medians.size() < 2) continue;
    GpuRowMedians medians{row, {}};
    for (const auto& [index, values] : trial_medians) medians.medians.emplace_back(index, stats::median(values));
    comparison.rows.push_back(std::move(medians));
  }
  return comparison;
}

}  // namespace zoobench
