#include "zoobench/onnx/wire.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "zoobench/error.hpp"

namespace zoobench::onnx {

namespace {

constexpr int kMaxVarintBytes = 10;  // 64 bits, 7 per byte
constexpr std::uint32_t kTypeBits = 3;

std::uint64_t key(std::uint32_t number, WireType type) {
  return (static_cast<std::uint64_t>(number) << kTypeBits) | static_cast<std::uint64_t>(type);
}

}  // namespace

bool WireReader::next(WireField& field) {
  if (m_pos >= m_bytes.size()) return false;
  const std::size_t start = m_pos;
  const std::uint64_t field_key = read_varint(start);
  field.number = static_cast<std::uint32_t>(field_key >> kTypeBits);
  field.varint = 0;
  field.payload = {};
  field.offset = m_base + m_pos;
  switch (field_key & 7) {
    case 0: field.type = WireType::Varint; field.varint = read_varint(start); break;
    case 1: field.type = WireType::Fixed64; field.payload = take(8, start); break;
    case 2: {
      field.type = WireType::Bytes;
      const std::uint64_t size = read_varint(start);
      field.offset = m_base + m_pos;
      field.payload = take(size, start);
      break;
    }
    case 5: field.type = WireType::Fixed32; field.payload = take(4, start); break;
    default: corrupt(fmt::format("field {} has wire type {}, which ONNX does not use", field.number, field_key & 7),
                     start);
  }
  field.raw = m_bytes.substr(start, m_pos - start);
  return true;
}

std::uint64_t WireReader::read_varint(std::size_t field_start) {
  std::uint64_t value = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (m_pos >= m_bytes.size()) corrupt("the field is cut off inside a varint", field_start);
    const auto byte = static_cast<std::uint8_t>(m_bytes[m_pos++]);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return value;
  }
  corrupt("a varint is longer than 10 bytes", field_start);
}

std::string_view WireReader::take(std::uint64_t size, std::size_t field_start) {
  // Compared against what is left, not m_pos + size: a huge length must not overflow the sum.
  if (size > m_bytes.size() - m_pos) {
    corrupt(fmt::format("a field value of {} bytes runs {} bytes past the end of its message", size,
                        size - (m_bytes.size() - m_pos)),
            field_start);
  }
  const std::string_view out = m_bytes.substr(m_pos, static_cast<std::size_t>(size));
  m_pos += static_cast<std::size_t>(size);
  return out;
}

void WireReader::corrupt(const std::string& what, std::size_t at) const {
  throw ModelError(ModelError::Kind::Corrupt,
                   fmt::format("{}: not a valid ONNX model (truncated or corrupt protobuf: {}, at byte {}); fetch "
                               "it again with scripts/fetch_models.sh",
                               m_source, what, m_base + at));
}

std::string string_field(WireReader message, std::uint32_t number) {
  std::string value;
  WireField field;
  while (message.next(field)) {
    if (field.is(number, WireType::Bytes)) value = std::string(field.payload);
  }
  return value;
}

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void append_varint_field(std::string& out, std::uint32_t number, std::uint64_t value) {
  append_varint(out, key(number, WireType::Varint));
  append_varint(out, value);
}

void append_bytes_field(std::string& out, std::uint32_t number, std::string_view payload) {
  append_varint(out, key(number, WireType::Bytes));
  append_varint(out, payload.size());
  out += payload;
}

std::string read_model_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ModelError(ModelError::Kind::Missing, fmt::format("{}: cannot open model file", file.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace zoobench::onnx
