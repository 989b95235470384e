#pragma once
// The protobuf wire format, read (and, for the editor, written) by hand: an ONNX file is one serialized
// ModelProto, and zoo-bench reads its signature (onnx_info.hpp) and edits it in memory (edit.hpp) without
// linking libprotobuf, whose version would have to match the one inside OpenCV. Every read is
// bounds-checked: malformed bytes throw ModelError(Corrupt) naming the model, never read past the buffer.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace zoobench::onnx {

// Groups (wire types 3 and 4) are deprecated and never used by onnx.proto: the reader rejects them.
enum class WireType : std::uint32_t { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

struct WireField {
  std::uint32_t number = 0;
  WireType type = WireType::Varint;
  std::uint64_t varint = 0;  // the value of a Varint field (int64 fields: cast, two's complement)
  std::string_view payload;  // a Bytes field's contents, or the raw 8 / 4 bytes of a fixed-width one
  std::size_t offset = 0;    // where the payload starts in the outermost message (for nested readers)
  std::string_view raw;      // the whole field as stored, key included: what an editor copies unchanged

  bool is(std::uint32_t field_number, WireType wire_type) const {
    return number == field_number && type == wire_type;
  }
};

// Reads one message's fields in order. It holds views: the bytes and `source` (the model's name in error
// messages, usually its path) must outlive the reader and the fields it returns.
class WireReader {
 public:
  // `base` is where `message` starts in the outermost message, so that errors give file offsets.
  WireReader(std::string_view message, std::string_view source, std::size_t base = 0)
      : m_bytes(message), m_source(source), m_base(base) {}

  // Reads the next field into `field`; false at the end of the message.
  // Throws ModelError(Corrupt) when the field is truncated or malformed.
  bool next(WireField& field);

  // A reader over the payload of a Bytes field this reader returned (a nested message).
  WireReader nested(const WireField& field) const { return {field.payload, m_source, field.offset}; }

  std::string_view message() const { return m_bytes; }

 private:
  std::uint64_t read_varint(std::size_t field_start);
  std::string_view take(std::uint64_t size, std::size_t field_start);
  [[noreturn]] void corrupt(const std::string& what, std::size_t at) const;

  std::string_view m_bytes;
  std::string_view m_source;
  std::size_t m_base = 0;
  std::size_t m_pos = 0;
};

// Calls visit(WireReader) with each Bytes field numbered `number` in `message`, in order, as a nested
// message. The other fields are skipped, but still bounds-checked.
template <typename Visit>
void for_each_message(WireReader message, std::uint32_t number, Visit&& visit) {
  WireField field;
  while (message.next(field)) {
    if (field.is(number, WireType::Bytes)) visit(message.nested(field));
  }
}

// The last Bytes field numbered `number` as a string (protobuf: the last value of a singular field
// wins); empty when there is none.
std::string string_field(WireReader message, std::uint32_t number);

// Writers, canonical encoding (shortest varints), for the fields an editor re-encodes.
void append_varint(std::string& out, std::uint64_t value);
void append_varint_field(std::string& out, std::uint32_t number, std::uint64_t value);
void append_bytes_field(std::string& out, std::uint32_t number, std::string_view payload);

// The whole file, for a WireReader. Throws ModelError(Missing) when it cannot be opened.
std::string read_model_bytes(const std::filesystem::path& file);

}  // namespace zoobench::onnx
