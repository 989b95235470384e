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

}  // namespace zoobench
