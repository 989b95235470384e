#include <gtest/gtest.h>

#include <fstream>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/onnx/onnx_info.hpp"

namespace zoobench {
namespace {

TEST(OnnxInfo, ReadsGeneratedSignature) {
  const auto file = test::make_onnx(test::scratch_dir() / "m.onnx", {{"data", {1, 3, 112, 112}}},
                                    {{"fc1", {1, 128}}, {"label", {1, 7}}});
  const OnnxInfo info = read_onnx_info(file);
  EXPECT_EQ(info.opset, 11);
  ASSERT_EQ(info.inputs.size(), 1u);  // initializers are not inputs
  EXPECT_EQ(info.inputs[0].name, "data");
  EXPECT_EQ(info.inputs[0].dims, (std::vector<std::int64_t>{1, 3, 112, 112}));
  ASSERT_EQ(info.outputs.size(), 2u);
  EXPECT_EQ(info.outputs[1].name, "label");
}

TEST(OnnxInfo, ReadsRealYoloxNano) {
  const auto file = test::shared_models() / "object_detection_yolox" / "yolox_nano.onnx";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no " << file;
  const OnnxInfo info = read_onnx_info(file);
  ASSERT_EQ(info.inputs.size(), 1u);
  EXPECT_EQ(info.inputs[0].dims, (std::vector<std::int64_t>{1, 3, 416, 416}));
}

TEST(OnnxInfo, TruncatedFileIsCorrupt) {
  const auto good = test::make_onnx(test::scratch_dir() / "m.onnx", {{"x", {1, 3, 8, 8}}}, {{"y", {1, 4}}});
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto bad = test::write_file(test::scratch_dir() / "truncated.onnx", bytes.substr(0, bytes.size() / 2));
  try {
    read_onnx_info(bad);
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Corrupt);
    EXPECT_NE(std::string(e.what()).find("truncated.onnx: not a valid ONNX model"), std::string::npos) << e.what();
  }
  const auto text = test::write_file(test::scratch_dir() / "text.onnx", "this is not a model at all\n");
  EXPECT_THROW(read_onnx_info(text), ModelError);
}

TEST(ModelFile, LfsPointerIsRecognised) {
  const auto pointer = test::write_file(test::scratch_dir() / "face_detection_yunet_2023mar.onnx",
                                        "version https://git-lfs.github.com/spec/v1\n"
                                        "oid sha256:8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4\n"
                                        "size 232589\n");
  EXPECT_TRUE(is_lfs_pointer(pointer));
  try {
    check_model_file(pointer);
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::LfsPointer);
    EXPECT_NE(std::string(e.what()).find("git lfs pull"), std::string::npos) << e.what();
  }
}

TEST(ModelFile, MissingFileSaysHowToFetch) {
  try {
    check_model_file("/nonexistent/m.onnx");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Missing);
    EXPECT_NE(std::string(e.what()).find("scripts/fetch_models.sh"), std::string::npos);
  }
}

TEST(ModelFile, ImporterRejectionIsUnsupportedAndNamesTheOpenCVVersion) {
  // The 2021dec YuNet has dynamic shapes; OpenCV 4.6 and 4.10 both fail to import it.
  const auto file = test::shared_models() / "face_detection_yunet" / "face_detection_yunet_2021dec.onnx";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no " << file;
  try {
    read_net(file, backend_target_at(0));
    GTEST_SKIP() << "this OpenCV imports the 2021dec YuNet";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Unsupported);
    EXPECT_NE(std::string(e.what()).find(std::string("OpenCV ") + CV_VERSION + " cannot import"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace zoobench
