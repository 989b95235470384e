#pragma once
// Formats profiles (measure/layer_profiler.hpp): console tables and the JSON of every layer. Only
// formatting: every number was computed in stats/layer_profile.cpp.
#include <filesystem>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "zoobench/device/environment.hpp"
#include "zoobench/measure/layer_profiler.hpp"

namespace zoobench {

// Cold start, GPU activity, then per net the costliest segments, time by type, fallback layers and
// the checks (sum vs whole forward; on the CPU, the agreement with getPerfProfile).
void print_profile(const ModelProfile& profile, std::ostream& out);

nlohmann::json profile_json(const ModelProfile& profile);
nlohmann::json profiles_json(const std::vector<ModelProfile>& profiles, const Environment& environment);

// Writes the JSON through a temporary file renamed into place. Throws Error naming the file.
void write_profiles_json(const std::filesystem::path& file, const std::vector<ModelProfile>& profiles,
                         const Environment& environment);

}  // namespace zoobench
