#include "zoobench/cli/data_listing.hpp"

#include "zoobench/input/images.hpp"

namespace zoobench {

namespace fs = std::filesystem;

Table data_folder_table(const std::vector<BenchmarkConfig>& configs, const fs::path& data_dir) {
  Table table({"config", "data folder", "status"});
  for (const auto& config : configs) {
    const fs::path folder = resolve_data_path(config.data.path, data_dir);
    const fs::path relative = folder.lexically_relative(data_dir);
    const bool inside = !relative.empty() && *relative.begin() != "..";
    std::error_code ec;
    const bool present = fs::is_directory(folder, ec) && !fs::is_empty(folder, ec) && !ec;
    table.add_row({config.file.filename().string(), (inside ? relative : folder).generic_string(),
                   present ? "present" : "absent"});
  }
  return table;
}

}  // namespace zoobench
