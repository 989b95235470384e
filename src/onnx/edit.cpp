#include "zoobench/onnx/edit.hpp"

#include <fmt/format.h>

#include <functional>
#include <optional>

#include "zoobench/error.hpp"
#include "zoobench/onnx/wire.hpp"

namespace zoobench::onnx {

namespace {

// Field numbers from onnx.proto: ModelProto.graph 7, GraphProto.input 11, ValueInfoProto.name 1 / type 2,
// TypeProto.tensor_type 1, TypeProto.Tensor.shape 2, TensorShapeProto.dim 1, Dimension.dim_value 1.
constexpr std::uint32_t kModelGraph = 7, kGraphInput = 11, kValueName = 1, kValueType = 2, kTypeTensor = 1,
                        kTensorShape = 2, kShapeDim = 1, kDimValue = 1;

// Returns a nested message's new payload, or nothing to keep the field exactly as stored.
using Edit = std::function<std::optional<std::string>(const WireReader& payload)>;

// Copies `message` field by field, passing each Bytes field numbered `number` through `edit`. A replaced
// field is re-encoded (its length changes); the others are copied as stored.
std::string edit_field(WireReader message, std::uint32_t number, const Edit& edit) {
  std::string out;
  out.reserve(message.message().size());
  WireField field;
  while (message.next(field)) {
    std::optional<std::string> replaced;
    if (field.is(number, WireType::Bytes)) replaced = edit(message.nested(field));
    if (replaced) {
      append_bytes_field(out, field.number, *replaced);
    } else {
      out.append(field.raw);
    }
  }
  return out;
}

// A TensorShapeProto whose dims are replaced by fixed values, appended after its other fields (none in
// today's onnx.proto). `rank_matches` says whether it had dims.size() dims.
std::string fixed_shape(WireReader shape, const std::vector<std::int64_t>& dims, bool& rank_matches) {
  std::string out;
  std::size_t rank = 0;
  WireField field;
  while (shape.next(field)) {
    if (field.number != kShapeDim) {
      out.append(field.raw);
    } else if (field.type == WireType::Bytes) {
      ++rank;
    }
  }
  rank_matches = rank == dims.size();
  for (std::int64_t d : dims) {
    std::string dim;
    append_varint_field(dim, kDimValue, static_cast<std::uint64_t>(d));
    append_bytes_field(out, kShapeDim, dim);
  }
  return out;
}

}  // namespace

std::string with_input_dims(std::string_view model, const std::string& input_name,
                            const std::vector<std::int64_t>& dims, std::string_view source) {
  bool found = false;
  bool rank_matches = true;
  // ModelProto.graph -> GraphProto.input (the one named input_name) -> type -> tensor_type -> shape.
  const Edit fix_input = [&](const WireReader& value) -> std::optional<std::string> {
    if (string_field(value, kValueName) != input_name) return std::nullopt;
    found = true;
    return edit_field(value, kValueType, [&](const WireReader& type) {
      return edit_field(type, kTypeTensor, [&](const WireReader& tensor) {
        return edit_field(tensor, kTensorShape,
                          [&](const WireReader& shape) { return fixed_shape(shape, dims, rank_matches); });
      });
    });
  };
  std::string out = edit_field(WireReader(model, source), kModelGraph,
                               [&](const WireReader& graph) { return edit_field(graph, kGraphInput, fix_input); });
  if (!found) throw Error(fmt::format("{}: the ONNX model has no graph input '{}'", source, input_name));
  if (!rank_matches) {
    throw Error(fmt::format("{}: ONNX input '{}' does not have {} dimensions", source, input_name, dims.size()));
  }
  return out;
}

}  // namespace zoobench::onnx
