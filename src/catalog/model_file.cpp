#include "zoobench/catalog/model_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <regex>

#include "zoobench/error.hpp"
#include "zoobench/onnx/onnx_info.hpp"

namespace zoobench {

namespace fs = std::filesystem;

bool is_lfs_pointer(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string head(64, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.rfind("version https://git-lfs", 0) == 0;
}

void check_model_file(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw ModelError(ModelError::Kind::Corrupt,
                     fmt::format("{}: is a folder, not a model file; remove it or put the model file in its place "
                                 "(scripts/fetch_models.sh fetches it)", file.string()));
  }
  if (!fs::is_regular_file(file, ec)) {
    throw ModelError(ModelError::Kind::Missing,
                     fmt::format("{}: model file not found (fetch it with scripts/fetch_models.sh, or point "
                                 "--models-dir / ZOO_BENCH_MODELS_DIR at a folder that has it)",
                                 file.string()));
  }
  if (is_lfs_pointer(file)) {
    throw ModelError(ModelError::Kind::LfsPointer,
                     fmt::format("{}: is a Git LFS pointer, not the model: run 'git lfs install && git lfs pull' "
                                 "in the opencv_zoo checkout, or scripts/fetch_models.sh",
                                 file.string()));
  }
  if (fs::file_size(file, ec) == 0) {
    throw ModelError(ModelError::Kind::Corrupt,
                     fmt::format("{}: model file is empty; fetch it again with scripts/fetch_models.sh", file.string()));
  }
}

std::string short_cv_message(const cv::Exception& e) {
  std::string msg = e.err.empty() ? std::string(e.what()) : e.err;
  const auto newline = msg.find('\n');
  if (newline != std::string::npos) msg.resize(newline);
  // The ONNX importer nests a whole exception text: "> Node [...] parse error: OpenCV(4.6.0)
  // ./modules/.../onnx_importer.cpp:2846: error: (-215:Assertion failed) !isDynamicShape in function
  // 'parseShape'". Keep the node and the reason, drop the source location.
  static const std::regex location_re(R"RE(OpenCV\([^)]*\) \S+:\d+: error: \(-?\d+:[^)]*\) )RE");
  msg = std::regex_replace(msg, location_re, "");
  if (msg.rfind("> ", 0) == 0) msg.erase(0, 2);
  return msg;
}

std::string unsupported_import_message(const fs::path& model, const std::string& reason) {
#if CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR >= 10)
  const char* advice = "this OpenCV's importer does not support the model: try a newer OpenCV, or an export with "
                       "fixed input shapes";
#else
  const char* advice = "a newer OpenCV is needed (the zoo requires >= 4.10; scripts/build_opencv_cuda.sh builds one)";
#endif
  return fmt::format("OpenCV {} cannot import {}: {}; {}", CV_VERSION, model.filename().string(), reason, advice);
}

void throw_first_forward_error(const fs::path& model, const cv::Exception& e) {
#if CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR >= 10)
  (void)model;
  throw e;  // as it is: the measurement core names CUDA problems from it
#else
  const std::string reason = short_cv_message(e);
  throw ModelError(ModelError::Kind::Unsupported,
                   fmt::format("OpenCV {} imports {} but cannot run it: {}; a newer OpenCV is needed (the zoo requires "
                                ">= 4.10; scripts/build_opencv_cuda.sh builds one)",
                                CV_VERSION, model.filename().string(), reason));
#endif
}

cv::dnn::Net read_net(const fs::path& model, const BackendTarget& backend_target, const fs::path& config) {
  check_model_file(model);
  if (model.extension() == ".onnx") read_onnx_info(model);  // a corrupt file is named as such first
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNet(model.string(), config.string());
  } catch (const cv::Exception& e) {
    const std::string reason = short_cv_message(e);
    if (reason.find("Failed to parse") != std::string::npos || reason.find("failed to parse") != std::string::npos) {
      throw ModelError(ModelError::Kind::Corrupt,
                       fmt::format("{}: OpenCV cannot parse the file ({}); fetch it again with "
                                   "scripts/fetch_models.sh",
                                   model.string(), reason));
    }
    throw ModelError(ModelError::Kind::Unsupported, unsupported_import_message(model, reason));
  }
  if (net.empty()) {
    throw ModelError(ModelError::Kind::Unsupported, unsupported_import_message(model, "the importer returned an empty net"));
  }
  net.setPreferableBackend(backend_target.backend);
  net.setPreferableTarget(backend_target.target);
  return net;
}

}  // namespace zoobench
