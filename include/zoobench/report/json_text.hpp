#pragma once
// JSON text for the files zoo-bench writes. A string that is not UTF-8 (a path, a QR payload) would make
// nlohmann's dump() throw and lose the whole file: its bad bytes become U+FFFD instead.
#include <string>

#include <nlohmann/json.hpp>

namespace zoobench {

inline std::string json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The string as a results file will hold it (bad bytes as U+FFFD): records are built with it, so what a run
// keeps in memory matches what --resume and --baseline read back.
inline std::string as_written(const std::string& text) {
  return nlohmann::json::parse(json_text(nlohmann::json(text))).get<std::string>();
}

}  // namespace zoobench
