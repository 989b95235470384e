#pragma once
// Where configs, models and data are looked for when the command line does not say.
#include <filesystem>
#include <string>

namespace zoobench {

enum class Resource { Configs, Models, Data };

// Order: the explicit value (flag), then the environment (ZOO_BENCH_CONFIGS_DIR / _MODELS_DIR /
// _DATA_DIR), then the first existing of ./<name>, <exe>/../<name>, <exe>/../share/zoo-bench/<name>,
// <source tree>/<name>; if none exists, ./<name>.
std::filesystem::path resolve_dir(Resource resource, const std::string& explicit_value);

const char* env_var_for(Resource resource);

// The " --dest DIR" that scripts/fetch_models.sh (Models) or scripts/fetch_data.sh (Data) needs to fill
// `dir`: empty when `dir` is the script's own default (models/ or data/ of the source tree), else the
// absolute path, quoted for the shell where needed.
std::string fetch_dest_option(Resource resource, const std::filesystem::path& dir);

// `text` as one shell word: as it is when it has no character the shell treats specially, else in single quotes.
std::string shell_quoted(const std::string& text);

}  // namespace zoobench
