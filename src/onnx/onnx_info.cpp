#include "zoobench/onnx/onnx_info.hpp"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "zoobench/error.hpp"
#include "zoobench/onnx/wire.hpp"

namespace zoobench {

namespace {

// Field numbers from onnx.proto (ModelProto, GraphProto, ValueInfoProto, TypeProto, ...).
constexpr std::uint32_t kModelIrVersion = 1, kModelProducer = 2, kModelOpset = 8, kModelGraph = 7;
constexpr std::uint32_t kGraphInitializer = 5, kGraphInput = 11, kGraphOutput = 12;
constexpr std::uint32_t kTensorName = 8;
constexpr std::uint32_t kValueName = 1, kValueType = 2;
constexpr std::uint32_t kTypeTensor = 1, kTensorShape = 2, kShapeDim = 1, kDimValue = 1;
constexpr std::uint32_t kOpsetDomain = 1, kOpsetVersion = 2;

using onnx::WireField;
using onnx::WireReader;
using onnx::WireType;

// TensorShapeProto.Dimension: its dim_value, or -1 when the dimension is symbolic (dim_param) or unset.
std::int64_t dim_value(WireReader dim) {
  std::int64_t value = -1;
  WireField field;
  while (dim.next(field)) {
    if (field.is(kDimValue, WireType::Varint)) value = static_cast<std::int64_t>(field.varint);
  }
  return value > 0 ? value : -1;
}

// TypeProto -> tensor_type -> shape -> dims.
std::vector<std::int64_t> parse_dims(const WireReader& type_proto) {
  std::vector<std::int64_t> dims;
  onnx::for_each_message(type_proto, kTypeTensor, [&](const WireReader& tensor) {
    onnx::for_each_message(tensor, kTensorShape, [&](const WireReader& shape) {
      onnx::for_each_message(shape, kShapeDim, [&](const WireReader& dim) { dims.push_back(dim_value(dim)); });
    });
  });
  return dims;
}

OnnxTensorInfo parse_value_info(const WireReader& value_info) {
  OnnxTensorInfo info;
  info.name = onnx::string_field(value_info, kValueName);
  onnx::for_each_message(value_info, kValueType, [&](const WireReader& type) { info.dims = parse_dims(type); });
  return info;
}

// OperatorSetIdProto: the default domain ("" or "ai.onnx") sets the model's opset.
void parse_opset(WireReader opset, std::int64_t& default_opset) {
  std::string domain;
  std::int64_t version = 0;
  WireField field;
  while (opset.next(field)) {
    if (field.is(kOpsetDomain, WireType::Bytes)) domain = std::string(field.payload);
    else if (field.is(kOpsetVersion, WireType::Varint)) version = static_cast<std::int64_t>(field.varint);
  }
  if (domain.empty() || domain == "ai.onnx") default_opset = version;
}

// Older exporters list initializers among the graph inputs too: those are weights, not inputs.
struct GraphSignature {
  bool found = false;
  std::vector<OnnxTensorInfo> declared_inputs;
  std::set<std::string> initializers;
  std::vector<OnnxTensorInfo> outputs;
};

void parse_graph(WireReader graph, GraphSignature& signature) {
  signature.found = true;
  WireField field;
  while (graph.next(field)) {
    if (field.type != WireType::Bytes) continue;
    const WireReader message = graph.nested(field);
    if (field.number == kGraphInput) signature.declared_inputs.push_back(parse_value_info(message));
    else if (field.number == kGraphOutput) signature.outputs.push_back(parse_value_info(message));
    else if (field.number == kGraphInitializer) signature.initializers.insert(onnx::string_field(message, kTensorName));
  }
}

}  // namespace

OnnxInfo read_onnx_info(const std::filesystem::path& file) {
  const std::string content = onnx::read_model_bytes(file);
  const std::string source = file.string();
  OnnxInfo info;
  GraphSignature graph;
  WireReader model(content, source);
  WireField field;
  while (model.next(field)) {  // throws ModelError(Corrupt) naming the file
    if (field.is(kModelIrVersion, WireType::Varint)) info.ir_version = static_cast<std::int64_t>(field.varint);
    else if (field.is(kModelProducer, WireType::Bytes)) info.producer = std::string(field.payload);
    else if (field.is(kModelOpset, WireType::Bytes)) parse_opset(model.nested(field), info.opset);
    else if (field.is(kModelGraph, WireType::Bytes)) parse_graph(model.nested(field), graph);
  }
  info.outputs = std::move(graph.outputs);
  for (auto& input : graph.declared_inputs) {
    if (graph.initializers.count(input.name) == 0) info.inputs.push_back(std::move(input));
  }
  if (!graph.found || info.ir_version == 0 || info.inputs.empty()) {
    throw ModelError(ModelError::Kind::Corrupt,
                     fmt::format("{}: not a valid ONNX model (no graph, IR version or inputs); fetch it again "
                                 "with scripts/fetch_models.sh",
                                 source));
  }
  return info;
}

}  // namespace zoobench
