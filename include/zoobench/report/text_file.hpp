#pragma once
// Writes a whole text file atomically (beside, then rename), for outputs made in one go (compare,
// the cross-hardware report). Throws Error naming the file when it cannot be written.
#include <filesystem>
#include <string>

namespace zoobench {

void write_text_file(const std::filesystem::path& file, const std::string& text);

}  // namespace zoobench
