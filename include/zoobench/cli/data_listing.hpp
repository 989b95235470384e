#pragma once
// `zoo-bench --list`'s second table: the data folder each selected config reads, and whether it is there
// (scripts/run_cpu.sh reads it to fetch only what the selection needs).
#include <filesystem>
#include <vector>

#include "zoobench/config/config.hpp"
#include "zoobench/report/table.hpp"

namespace zoobench {

// Columns config, data folder (relative to data_dir when inside it), status ("present", or "absent" when
// the folder is missing or empty); one row per config, in the order given.
Table data_folder_table(const std::vector<BenchmarkConfig>& configs, const std::filesystem::path& data_dir);

}  // namespace zoobench
