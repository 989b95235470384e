#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/dnn.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/onnx/edit.hpp"
#include "zoobench/onnx/onnx_info.hpp"
#include "zoobench/onnx/wire.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

std::vector<std::int64_t> input_dims_of(const std::string& bytes, const fs::path& scratch) {
  const auto file = test::write_file(scratch / "rewritten.onnx", bytes);
  return read_onnx_info(file).inputs.front().dims;
}

// A length-delimited field written by hand (not with the writers under test): key, length, payload.
// `padded` writes the length as a two-byte varint, valid protobuf that no serializer emits, to tell the
// fields copied as stored from those re-encoded.
std::string len_field(int number, const std::string& payload, bool padded = false) {
  EXPECT_LT(payload.size(), 128u);
  std::string out{static_cast<char>((number << 3) | 2)};
  out += padded ? std::string{static_cast<char>(payload.size() | 0x80), '\0'}
                : std::string{static_cast<char>(payload.size())};
  return out + payload;
}

// A ModelProto with inputs w (untouched) and x of shape `x_shape`, and fields the editor must copy as
// stored: a padded node, a non-canonical dim_value in w, an unknown fixed32 field, x's type denotation.
std::string hand_model(const std::string& x_shape, bool padded_graph) {
  const std::string w = len_field(1, "w") + len_field(2, len_field(1, len_field(2, len_field(1, "\x08\x84\x00"s))));
  const std::string x = len_field(1, "x") +
                        len_field(2, len_field(1, "\x08\x01"s + len_field(2, x_shape)) + len_field(6, "IMAGE"));
  const std::string graph = len_field(1, "abc", true) + len_field(2, "g") + len_field(11, w) + len_field(11, x) +
                            len_field(12, len_field(1, "y"));
  return "\x08\x07"s + len_field(2, "zoo") + "\xa5\x01\x01\x02\x03\x04"s + len_field(7, graph, padded_graph) +
         len_field(8, "\x10\x0b"s);
}

std::string dim_param(const std::string& name) { return len_field(1, len_field(2, name)); }
std::string dim_value(const std::string& varint) { return len_field(1, "\x08"s + varint); }

TEST(OnnxEdit, ReencodesOnlyThePathToTheInput) {
  const std::string dynamic = dim_param("N") + dim_value("\x03") + dim_value("\x30") + dim_param("W");
  const std::string fixed = dim_value("\x01") + dim_value("\x03") + dim_value("\x30") + dim_value("\xc0\x02");
  const std::string edited = onnx::with_input_dims(hand_model(dynamic, true), "x", {1, 3, 48, 320}, "hand.onnx");
  // The padded graph length comes out canonical; everything off the path is the same bytes as before.
  EXPECT_EQ(edited, hand_model(fixed, false));
}

TEST(OnnxEdit, RefusesUnknownInputsWrongRanksAndCorruptBytes) {
  const std::string model = hand_model(dim_param("N") + dim_value("\x03"), false);
  try {
    onnx::with_input_dims(model, "nope", {1, 3}, "hand.onnx");
    FAIL();
  } catch (const ModelError&) {
    FAIL() << "a missing input is not a corrupt file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hand.onnx: the ONNX model has no graph input 'nope'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(onnx::with_input_dims(model, "x", {1, 3, 48}, "hand.onnx"), Error);
  try {
    onnx::with_input_dims("\x0a\xff\xff"s, "x", {1}, "cut.onnx");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Corrupt);
    EXPECT_NE(std::string(e.what()).find("cut.onnx: not a valid ONNX model"), std::string::npos) << e.what();
  }
}

TEST(OnnxEdit, FixesAGeneratedModelsInputShape) {
  const auto dir = test::scratch_dir();
  const auto model = test::make_onnx(dir / "rec.onnx", {{"x", {1, 3, 48, 64}}}, {{"y", {1, 8, 7}}});
  const std::string bytes = onnx::read_model_bytes(model);
  const std::string fixed = onnx::with_input_dims(bytes, "x", {1, 3, 48, 320}, model.string());
  EXPECT_EQ(input_dims_of(fixed, dir), (std::vector<std::int64_t>{1, 3, 48, 320}));
  // Everything else survives: OpenCV imports the copy and runs it at the new width.
  cv::dnn::Net net = cv::dnn::readNetFromONNX(fixed.data(), fixed.size());
  net.setInput(cv::Mat(std::vector<int>{1, 3, 48, 320}, CV_32F, cv::Scalar(0.5)));
  EXPECT_EQ(net.forward().total(), 56u);
  // The serializer writes canonical protobuf, so fixing the dims the model already has changes no byte.
  EXPECT_EQ(onnx::with_input_dims(bytes, "x", {1, 3, 48, 64}, model.string()), bytes);
}

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) hash = (hash ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ull;
  return hash;
}

TEST(OnnxEdit, FixesTheRealPpOcrV4RecognisersDynamicWidth) {
  const auto rec = test::shared_models() / "text_recognition_ppocrv4" / "ch_PP-OCRv4_rec_infer.onnx";
  if (!fs::exists(rec)) GTEST_SKIP() << "no " << rec;
  EXPECT_EQ(read_onnx_info(rec).inputs.front().dims, (std::vector<std::int64_t>{-1, 3, 48, -1}));
  const std::string bytes = onnx::read_model_bytes(rec);
  const std::string fixed = onnx::with_input_dims(bytes, "x", {1, 3, 48, 320}, rec.string());
  EXPECT_EQ(input_dims_of(fixed, test::scratch_dir()), (std::vector<std::int64_t>{1, 3, 48, 320}));
  // The copy zoo-bench has always handed OpenCV for this file (sha256 06b3e6af... in MANIFEST.tsv).
  if (fnv1a(bytes) != 0xb4bef18f1c065f6aull) GTEST_SKIP() << rec << " is not the file the golden copy was made from";
  EXPECT_EQ(fixed.size(), 10822280u);
  EXPECT_EQ(fnv1a(fixed), 0xe7e82f9922c0acebull);
}

}  // namespace
}  // namespace zoobench
