#include "zoobench/onnx/onnx_info.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string_view>

#include "zoobench/error.hpp"

namespace zoobench {

namespace {

// Field numbers from onnx.proto (ModelProto, GraphProto, ValueInfoProto, TypeProto, ...).
constexpr std::uint32_t kModelIrVersion = 1, kModelProducer = 2, kModelOpset = 8, kModelGraph = 7;
constexpr std::uint32_t kGraphInitializer = 5, kGraphInput = 11, kGraphOutput = 12;
constexpr std::uint32_t kTensorName = 8;
constexpr std::uint32_t kValueName = 1, kValueType = 2;
constexpr std::uint32_t kTypeTensor = 1, kTensorShape = 2, kShapeDim = 1, kDimValue = 1;
constexpr std::uint32_t kOpsetDomain = 1, kOpsetVersion = 2;

struct Truncated {};

// A minimal protobuf wire-format reader over one message's bytes.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : m_bytes(bytes) {}

  bool done() const { return m_pos >= m_bytes.size(); }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (m_pos >= m_bytes.size()) throw Truncated{};
      const auto byte = static_cast<std::uint8_t>(m_bytes[m_pos++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw Truncated{};
  }

  // Reads a field key; returns the field number and leaves the wire type in `wire_type`.
  std::uint32_t key(std::uint32_t& wire_type) {
    const std::uint64_t k = varint();
    wire_type = static_cast<std::uint32_t>(k & 7);
    return static_cast<std::uint32_t>(k >> 3);
  }

  std::string_view bytes() {
    const std::uint64_t len = varint();
    if (len > m_bytes.size() - m_pos) throw Truncated{};
    const std::string_view out = m_bytes.substr(m_pos, len);
    m_pos += len;
    return out;
  }

  void skip(std::uint32_t wire_type) {
    switch (wire_type) {
      case 0: varint(); break;
      case 1: advance(8); break;
      case 2: bytes(); break;
      case 5: advance(4); break;
      default: throw Truncated{};  // groups (3/4) never appear in ONNX
    }
  }

 private:
  void advance(std::size_t n) {
    if (n > m_bytes.size() - m_pos) throw Truncated{};
    m_pos += n;
  }
  std::string_view m_bytes;
  std::size_t m_pos = 0;
};

template <typename Visit>
void for_each_field(std::string_view message, Visit visit) {
  WireReader reader(message);
  while (!reader.done()) {
    std::uint32_t wire_type = 0;
    const std::uint32_t field = reader.key(wire_type);
    if (!visit(field, wire_type, reader)) reader.skip(wire_type);
  }
}

std::vector<std::int64_t> parse_dims(std::string_view type_proto) {
  std::vector<std::int64_t> dims;
  for_each_field(type_proto, [&](std::uint32_t f, std::uint32_t wt, WireReader& r) {
    if (f != kTypeTensor || wt != 2) return false;
    for_each_field(r.bytes(), [&](std::uint32_t f2, std::uint32_t wt2, WireReader& r2) {
      if (f2 != kTensorShape || wt2 != 2) return false;
      for_each_field(r2.bytes(), [&](std::uint32_t f3, std::uint32_t wt3, WireReader& r3) {
        if (f3 != kShapeDim || wt3 != 2) return false;
        std::int64_t value = -1;
        for_each_field(r3.bytes(), [&](std::uint32_t f4, std::uint32_t wt4, WireReader& r4) {
          if (f4 != kDimValue || wt4 != 0) return false;
          value = static_cast<std::int64_t>(r4.varint());
          return true;
        });
        dims.push_back(value > 0 ? value : -1);
        return true;
      });
      return true;
    });
    return true;
  });
  return dims;
}

OnnxTensorInfo parse_value_info(std::string_view message) {
  OnnxTensorInfo info;
  for_each_field(message, [&](std::uint32_t f, std::uint32_t wt, WireReader& r) {
    if (wt != 2) return false;
    if (f == kValueName) info.name = std::string(r.bytes());
    else if (f == kValueType) info.dims = parse_dims(r.bytes());
    else return false;
    return true;
  });
  return info;
}

std::string initializer_name(std::string_view tensor) {
  std::string name;
  for_each_field(tensor, [&](std::uint32_t f, std::uint32_t wt, WireReader& r) {
    if (f != kTensorName || wt != 2) return false;
    name = std::string(r.bytes());
    return true;
  });
  return name;
}

}  // namespace

OnnxInfo read_onnx_info(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ModelError(ModelError::Kind::Missing, fmt::format("{}: cannot open model file", file.string()));
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  OnnxInfo info;
  bool has_graph = false;
  try {
    std::vector<OnnxTensorInfo> declared_inputs;
    std::set<std::string> initializers;
    for_each_field(content, [&](std::uint32_t f, std::uint32_t wt, WireReader& r) {
      if (f == kModelIrVersion && wt == 0) info.ir_version = static_cast<std::int64_t>(r.varint());
      else if (f == kModelProducer && wt == 2) info.producer = std::string(r.bytes());
      else if (f == kModelOpset && wt == 2) {
        std::string domain;
        std::int64_t version = 0;
        for_each_field(r.bytes(), [&](std::uint32_t f2, std::uint32_t wt2, WireReader& r2) {
          if (f2 == kOpsetDomain && wt2 == 2) domain = std::string(r2.bytes());
          else if (f2 == kOpsetVersion && wt2 == 0) version = static_cast<std::int64_t>(r2.varint());
          else return false;
          return true;
        });
        if (domain.empty() || domain == "ai.onnx") info.opset = version;
      } else if (f == kModelGraph && wt == 2) {
        has_graph = true;
        for_each_field(r.bytes(), [&](std::uint32_t f2, std::uint32_t wt2, WireReader& r2) {
          if (wt2 != 2) return false;
          if (f2 == kGraphInput) declared_inputs.push_back(parse_value_info(r2.bytes()));
          else if (f2 == kGraphOutput) info.outputs.push_back(parse_value_info(r2.bytes()));
          else if (f2 == kGraphInitializer) initializers.insert(initializer_name(r2.bytes()));
          else return false;
          return true;
        });
      } else {
        return false;
      }
      return true;
    });
    for (auto& input : declared_inputs) {
      if (initializers.count(input.name) == 0) info.inputs.push_back(std::move(input));
    }
  } catch (const Truncated&) {
    throw ModelError(ModelError::Kind::Corrupt,
                     fmt::format("{}: not a valid ONNX model (truncated or corrupt protobuf); fetch it again "
                                 "with scripts/fetch_models.sh",
                                 file.string()));
  }
  if (!has_graph || info.ir_version == 0 || info.inputs.empty()) {
    throw ModelError(ModelError::Kind::Corrupt,
                     fmt::format("{}: not a valid ONNX model (no graph, IR version or inputs); fetch it again "
                                 "with scripts/fetch_models.sh",
                                 file.string()));
  }
  return info;
}

}  // namespace zoobench
