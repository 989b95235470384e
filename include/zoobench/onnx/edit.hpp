#pragma once
// In-memory edits of an ONNX model, for published models that OpenCV cannot import as they are (the
// PP-OCRv4 recogniser declares a dynamic input width, which OpenCV 4.10's importer rejects): the edited
// bytes go to cv::dnn::readNetFromONNX(buffer, size), and the file on disk is never changed.
//
// Only the messages on the path to the edit are re-encoded (canonically); every other field (weights,
// nodes, fields this code does not know) is copied byte for byte, so the copy differs from the file only
// where the edit says.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zoobench::onnx {

// `model` (a serialized ModelProto; `source` names it in errors, usually its path) with graph input
// `input_name` declared as `dims`: every dimension given, in order, symbolic ones included. Throws
// ModelError(Corrupt) on malformed bytes, Error when there is no such input or its rank is not dims.size().
std::string with_input_dims(std::string_view model, const std::string& input_name,
                            const std::vector<std::int64_t>& dims, std::string_view source);

}  // namespace zoobench::onnx
