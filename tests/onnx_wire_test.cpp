#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "zoobench/error.hpp"
#include "zoobench/onnx/wire.hpp"

namespace zoobench {
namespace {

using onnx::WireField;
using onnx::WireReader;
using onnx::WireType;

std::vector<WireField> all_fields(std::string_view message) {
  WireReader reader(message, "m.onnx");
  std::vector<WireField> fields;
  WireField field;
  while (reader.next(field)) fields.push_back(field);
  return fields;
}

TEST(OnnxWire, ReadsEveryWireType) {
  using namespace std::string_literals;
  // 1: varint 150, 2: bytes "hi", 3: fixed64, 4: fixed32 (the encodings of protobuf's documentation).
  const std::string message = "\x08\x96\x01"s + "\x12\x02hi"s + "\x19\x01\x02\x03\x04\x05\x06\x07\x08"s +
                              "\x25\x01\x02\x03\x04"s;
  const auto fields = all_fields(message);
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_TRUE(fields[0].is(1, WireType::Varint));
  EXPECT_EQ(fields[0].varint, 150u);
  EXPECT_EQ(fields[0].raw, "\x08\x96\x01"s);
  EXPECT_TRUE(fields[1].is(2, WireType::Bytes));
  EXPECT_EQ(fields[1].payload, "hi");
  EXPECT_EQ(fields[1].offset, 5u);
  EXPECT_EQ(fields[1].raw, "\x12\x02hi");
  EXPECT_TRUE(fields[2].is(3, WireType::Fixed64));
  EXPECT_EQ(fields[2].payload.size(), 8u);
  EXPECT_TRUE(fields[3].is(4, WireType::Fixed32));
  EXPECT_EQ(fields[3].payload, "\x01\x02\x03\x04"s);
  EXPECT_TRUE(all_fields("").empty());
}

TEST(OnnxWire, MalformedBytesAreCorruptAndNameTheModel) {
  using namespace std::string_literals;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\x08\x96"s, "cut off inside a varint, at byte 0"},
      {"\x08\x01\x08"s + std::string(10, '\xff') + "\x01"s, "longer than 10 bytes, at byte 2"},
      {"\x12\x05" "ab"s, "a field value of 5 bytes runs 3 bytes past the end of its message"},
      {"\x12\xff\xff\xff\xff\xff\xff\xff\xff\x7f"s, "past the end"},  // a length near 2^63 must not wrap
      {"\x09\x01\x02"s, "a field value of 8 bytes runs 6 bytes past the end"},
      {"\x0b"s, "field 1 has wire type 3"},
  };
  for (const auto& [bytes, expected] : cases) {
    try {
      all_fields(bytes);
      ADD_FAILURE() << "no error for " << expected;
    } catch (const ModelError& e) {
      EXPECT_EQ(e.kind(), ModelError::Kind::Corrupt);
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("m.onnx: not a valid ONNX model (truncated or corrupt protobuf: ", 0), 0u) << what;
      EXPECT_NE(what.find(expected), std::string::npos) << what;
    }
  }
}

TEST(OnnxWire, NestedReadersReportFileOffsets) {
  using namespace std::string_literals;
  const std::string message = "\x08\x01"s + "\x1a\x03" + "\x12\x05" "a"s;  // field 3 holds a cut-off field
  WireReader outer(message, "m.onnx");
  WireField field;
  ASSERT_TRUE(outer.next(field));
  ASSERT_TRUE(outer.next(field));
  EXPECT_EQ(field.offset, 4u);
  WireReader inner = outer.nested(field);
  EXPECT_EQ(inner.message(), "\x12\x05" "a"s);
  try {
    inner.next(field);
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("at byte 4"), std::string::npos) << e.what();
  }
}

TEST(OnnxWire, FindsNestedMessagesAndTheLastString) {
  using namespace std::string_literals;
  const std::string message = "\x0a\x01" "a"s + "\x10\x05"s + "\x0a\x02" "bc"s + "\x1a\x02\x08\x07"s;
  EXPECT_EQ(onnx::string_field(WireReader(message, "m.onnx"), 1), "bc");  // the last one wins
  EXPECT_EQ(onnx::string_field(WireReader(message, "m.onnx"), 9), "");
  std::vector<std::string> seen;
  onnx::for_each_message(WireReader(message, "m.onnx"), 1,
                         [&](const WireReader& nested) { seen.emplace_back(nested.message()); });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "bc"}));
}

TEST(OnnxWire, WritersUseTheCanonicalEncoding) {
  using namespace std::string_literals;
  std::string out;
  onnx::append_varint(out, 300);
  EXPECT_EQ(out, "\xac\x02"s);
  out.clear();
  onnx::append_varint_field(out, 1, 150);
  onnx::append_bytes_field(out, 2, "hi");
  EXPECT_EQ(out, "\x08\x96\x01" "\x12\x02hi"s);
  out.clear();
  onnx::append_varint_field(out, 1, std::numeric_limits<std::uint64_t>::max());
  const auto fields = all_fields(out);
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].varint, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(out.size(), 11u);  // key + the longest varint
}

TEST(OnnxWire, MissingFileIsMissing) {
  try {
    onnx::read_model_bytes("/nonexistent/m.onnx");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Missing);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/m.onnx"), std::string::npos);
  }
}

}  // namespace
}  // namespace zoobench
