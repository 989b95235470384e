#include "zoobench/config/paths.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace zoobench {

namespace fs = std::filesystem;

namespace {

const char* folder_for(Resource resource) {
  switch (resource) {
    case Resource::Configs: return "configs";
    case Resource::Models: return "models";
    case Resource::Data: return "data";
  }
  return "";
}

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

const char* env_var_for(Resource resource) {
  switch (resource) {
    case Resource::Configs: return "ZOO_BENCH_CONFIGS_DIR";
    case Resource::Models: return "ZOO_BENCH_MODELS_DIR";
    case Resource::Data: return "ZOO_BENCH_DATA_DIR";
  }
  return "";
}

fs::path resolve_dir(Resource resource, const std::string& explicit_value) {
  if (!explicit_value.empty()) return explicit_value;
  if (const char* env = std::getenv(env_var_for(resource)); env != nullptr && *env != '\0') return env;
  const std::string name = folder_for(resource);
  std::vector<fs::path> candidates = {fs::current_path() / name};
  if (const fs::path exe = executable_dir(); !exe.empty()) {
    candidates.push_back(exe.parent_path() / name);
    candidates.push_back(exe.parent_path() / "share" / "zoo-bench" / name);
  }
  candidates.push_back(fs::path(ZOO_BENCH_SOURCE_DIR) / name);
  for (const auto& candidate : candidates) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) return candidate;
  }
  return candidates.front();
}

std::string shell_quoted(const std::string& text) {
  const auto plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("_./-+:=@,%").find(c) != std::string_view::npos;
  };
  if (!text.empty() && std::all_of(text.begin(), text.end(), plain)) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string fetch_dest_option(Resource resource, const fs::path& dir) {
  std::error_code ec;
  const fs::path wanted = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  const fs::path script_default = fs::weakly_canonical(fs::path(ZOO_BENCH_SOURCE_DIR) / folder_for(resource), ec);
  if (dir.empty() || wanted == script_default) return "";
  return " --dest " + shell_quoted((wanted.empty() ? fs::absolute(dir, ec) : wanted).string());
}

}  // namespace zoobench
