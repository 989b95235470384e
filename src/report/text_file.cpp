#include "zoobench/report/text_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <system_error>

#include "zoobench/error.hpp"

namespace zoobench {

namespace fs = std::filesystem;

void write_text_file(const fs::path& file, const std::string& text) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(file, ec);
  if (fs::exists(status) && !fs::is_regular_file(status)) {
    throw Error(fmt::format("{}: exists and is not a regular file (a folder, device or link); give another file name",
                            file.string()));
  }
  const fs::path tmp = fs::path(file).concat(".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(fmt::format("{}: cannot write (check the folder exists and is writable)", file.string()));
    out << text;
    out.flush();
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      throw Error(fmt::format("{}: writing failed (disk full?)", file.string()));
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw Error(fmt::format("{}: cannot write: {}", file.string(), ec.message()));
  }
}

}  // namespace zoobench
