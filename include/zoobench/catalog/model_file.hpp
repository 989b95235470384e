#pragma once
// Checks on model files before OpenCV sees them, and OpenCV's import turned into precise errors.
#include <filesystem>
#include <string>

#include <opencv2/dnn.hpp>

#include "zoobench/error.hpp"
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

// For an OpenCV exception from the first forward of a net read_net() imported. Before 4.10 (the zoo's
// minimum) it throws ModelError(Unsupported): OpenCV 4.6 imports some files it cannot run, such as the
// zoo's FER int8 (its int8 convolution gets a float input). From 4.10 on it rethrows `e` (failed).
[[noreturn]] void throw_first_forward_error(const std::filesystem::path& model, const cv::Exception& e);

// The first line of an OpenCV exception's own message (without the source location).
std::string short_cv_message(const cv::Exception& e);

}  // namespace zoobench
