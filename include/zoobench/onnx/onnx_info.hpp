#pragma once
// Reads the graph signature of an ONNX file (inputs, outputs, opsets) straight from its protobuf
// wire format, without OpenCV: model families need the declared input size before the first
// forward, and a corrupt file must be named as such before OpenCV's importer sees it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zoobench {

struct OnnxTensorInfo {
  std::string name;
  // One entry per dimension; -1 where the dimension is symbolic or unknown.
  std::vector<std::int64_t> dims;
};

struct OnnxInfo {
  std::int64_t ir_version = 0;
  std::int64_t opset = 0;  // default-domain opset
  std::string producer;
  std::vector<OnnxTensorInfo> inputs;   // graph inputs that are not initializers
  std::vector<OnnxTensorInfo> outputs;
};

// Throws ModelError(Corrupt) when the bytes are not a well-formed ONNX model.
OnnxInfo read_onnx_info(const std::filesystem::path& file);

}  // namespace zoobench
