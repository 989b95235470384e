// The quiet console's answer to "what is missing and how do I get it": one line per kind of absence,
// with the command that fetches it, instead of one line per config and target.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
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

std::string zoo_data_name(const std::string& data_path) {
  fs::path relative = fs::path(data_path).lexically_normal();
  auto part = relative.begin();
  if (part != relative.end() && *part == "data") ++part;
  if (part == relative.end()) return "";
  std::string name = part->string();
  // "palm_detection_20230125": the zoo's zip is newer than its key.
  const auto underscore = name.rfind('_');
  const std::string suffix = underscore == std::string::npos ? "" : name.substr(underscore + 1);
  const auto digit = [](unsigned char c) { return std::isdigit(c) != 0; };
  if (suffix.size() == 8 && std::all_of(suffix.begin(), suffix.end(), digit)) {
    name.erase(underscore);
  }
  return name;
}

std::vector<std::string> absent_summary(const ResultSet& set, const fs::path& models_dir, const fs::path& data_dir,
                                        const std::map<std::string, std::string>& data_paths) {
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
    // Only the zips these configs need; all 13 (1.4 GB) only when a config's data folder is not known.
    std::set<std::string> names;
    bool all_known = true;
    for (const auto& config : data_configs) {
      const auto path = data_paths.find(config);
      const std::string name = path == data_paths.end() ? "" : zoo_data_name(path->second);
      if (name.empty()) all_known = false;
      else names.insert(name);
    }
    lines.push_back(fmt::format("Absent data ({} {}): {}; fetch it with: scripts/fetch_data.sh{}{}, or point "
                                "--data-dir at the zoo's benchmark data", data_configs.size(),
                                data_configs.size() == 1 ? "config" : "configs", joined(data_configs, ", "),
                                fetch_dest_option(Resource::Data, data_dir),
                                all_known ? " " + joined(names, " ") : ""));
  }
  if (!lines.empty()) lines.push_back("(--verbose lists every absent model and data folder with its reason)");
  return lines;
}

}  // namespace zoobench
