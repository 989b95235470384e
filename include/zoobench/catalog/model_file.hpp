#pragma once
// Checks on model files before OpenCV sees them, and OpenCV's import turned into precise errors.
#include <filesystem>
#include <string>

#include <opencv2/dnn.hpp>

#include "zoobench/plan/backend.hpp"

namespace zoobench {

// True when the file starts with a Git LFS pointer header ("version https://git-lfs...").
bool is_lfs_pointer(const std::filesystem::path& file);

// Throws ModelError: Missing (absent), LfsPointer (a pointer instead of the model), Corrupt (empty).
void check_model_file(const std::filesystem::path& file);

// check_model_file, then cv::dnn::readNet with the importer's failure classified: a file that does not
// parse is Corrupt; a parsed file the importer rejects is Unsupported, naming this OpenCV's version.
// Applies the backend/target.
cv::dnn::Net read_net(const std::filesystem::path& model, const BackendTarget& backend_target,
                      const std::filesystem::path& config = {});

// "OpenCV 4.6.0 cannot import X: <reason>; a newer OpenCV is needed (...)"
std::string unsupported_import_message(const std::filesystem::path& model, const std::string& reason);

// The first line of an OpenCV exception's own message (without the source location).
std::string short_cv_message(const cv::Exception& e);

}  // namespace zoobench
