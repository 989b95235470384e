#include "zoobench/models/tracker.hpp"

#include <fmt/format.h>

#include <tuple>

#include <opencv2/core/version.hpp>

namespace zoobench {

OpenCVVersion compiled_opencv_version() { return {CV_VERSION_MAJOR, CV_VERSION_MINOR, CV_VERSION_REVISION}; }

std::string opencv_version_gate(const std::string& what, OpenCVVersion need, OpenCVVersion have) {
  if (std::tie(have.major, have.minor, have.patch) >= std::tie(need.major, need.minor, need.patch)) return {};
  const std::string needed = need.patch == 0 ? fmt::format("{}.{}", need.major, need.minor)
                                             : fmt::format("{}.{}.{}", need.major, need.minor, need.patch);
  return fmt::format("{} needs OpenCV >= {}; this is OpenCV {}.{}.{}", what, needed, have.major, have.minor,
                     have.patch);
}

}  // namespace zoobench
