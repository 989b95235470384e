// The quiet console's answer to "what is missing and how do I get it": one line per kind of absence,
// with the command that fetches it, instead of one line per config and target.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "zoobench/catalog/catalog.hpp"
#include "zoobench/config/paths.hpp"
#include "zoobench/report/report.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

std::string joined(const std::set<std::string>& items, const char* separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

}  // namespace

std::vector<std::string> absent_summary(const ResultSet& set, const fs::path& models_dir, const fs::path& data_dir) {
  std::set<std::string> fetchable_folders, fetchable_models, unpublished, data_configs;
  for (const auto& r : set.rows) {
    if (r.status != Status::Missing) continue;
    // The plan gives a row model files only once it found them: without files the model is absent,
    // with files what is absent is the config's data.
    if (!r.file_list.empty()) {
      data_configs.insert(r.config);
      continue;
    }
    const Family* family = find_family(r.model);
    if (family != nullptr && family->where_to_get.empty()) {
      fetchable_folders.insert(family->folder);
      fetchable_models.insert(r.model);
    } else {
      unpublished.insert(r.model.empty() ? r.config : r.model);
    }
  }
  std::vector<std::string> lines;
  if (!fetchable_models.empty()) {
    lines.push_back(fmt::format("Absent models ({}): {}; fetch them with: scripts/fetch_models.sh --only {}{}",
                                fetchable_models.size(), joined(fetchable_models, ", "),
                                joined(fetchable_folders, ","), fetch_dest_option(Resource::Models, models_dir)));
  }
  if (!unpublished.empty()) {
    lines.push_back(fmt::format("Absent models without a download ({}): {}; --verbose says where to get them",
                                unpublished.size(), joined(unpublished, ", ")));
  }
  if (!data_configs.empty()) {
    lines.push_back(fmt::format("Absent data ({} configs): {}; fetch it with: scripts/fetch_data.sh{}, or point "
                                "--data-dir at the zoo's benchmark data", data_configs.size(),
                                joined(data_configs, ", "), fetch_dest_option(Resource::Data, data_dir)));
  }
  if (!lines.empty()) lines.push_back("(--verbose lists every absent model and data folder with its reason)");
  return lines;
}

}  // namespace zoobench
