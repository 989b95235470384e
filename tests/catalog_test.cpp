#include <gtest/gtest.h>

#include "test_support.hpp"
#include "zoobench/catalog/catalog.hpp"

namespace zoobench {
namespace {

TEST(Catalog, PrecisionFromFileNameFixesTheZoosInt8bqMixUp) {
  EXPECT_EQ(precision_of("face_detection_yunet_2023mar.onnx"), Precision::FP32);
  EXPECT_EQ(precision_of("face_detection_yunet_2023mar_int8.onnx"), Precision::INT8);
  // The zoo tests "int8" first and files these under int8; they are block-quantized.
  EXPECT_EQ(precision_of("face_detection_yunet_2023mar_int8bq.onnx"), Precision::INT8BQ);
  EXPECT_EQ(precision_of("model_blocked.onnx"), Precision::INT8BQ);
  EXPECT_EQ(precision_of("text_recognition_CRNN_EN_2023feb_fp16.onnx"), Precision::FP16);
}

TEST(Catalog, VariantsAreSplitByPrecisionInTheZoosOrder) {
  const auto dir = test::scratch_dir();
  for (const char* name : {"face_detection_yunet_2023mar_int8bq.onnx", "face_detection_yunet_2023mar_int8.onnx",
                           "face_detection_yunet_2023mar.onnx", "face_detection_yunet_2022mar.onnx", "notes.txt"}) {
    test::write_file(dir / "face_detection_yunet" / name, "x");
  }
  const auto variants = discover_variants(*find_family("YuNet"), dir);
  ASSERT_EQ(variants.size(), 4u);
  EXPECT_EQ(variants[0].precision, Precision::FP32);
  EXPECT_EQ(variants[0].file_list(), "['face_detection_yunet_2022mar.onnx']");
  EXPECT_EQ(variants[1].file_list(), "['face_detection_yunet_2023mar.onnx']");
  EXPECT_EQ(variants[2].precision, Precision::INT8);
  EXPECT_EQ(variants[3].precision, Precision::INT8BQ);
  EXPECT_EQ(variants[3].file_list(), "['face_detection_yunet_2023mar_int8bq.onnx']");
}

TEST(Catalog, AbsentFolderGivesNoVariants) {
  EXPECT_TRUE(discover_variants(*find_family("YoloX"), test::scratch_dir()).empty());
}

TEST(Catalog, CaffeSetIsOneVariant) {
  const Family* family = find_family("WeChatQRCode");
  ASSERT_NE(family, nullptr);
  const auto dir = test::scratch_dir();
  for (const auto& name : family->expected_files) test::write_file(dir / family->folder / name, "x");
  const auto variants = discover_variants(*family, dir);
  ASSERT_EQ(variants.size(), 1u);
  EXPECT_EQ(variants[0].files.size(), 4u);
}

TEST(Catalog, KnowsEveryZooFamily) {
  for (const char* name : {"YuNet", "SFace", "FacialExpressionRecog", "MPHandPose", "PPHumanSeg", "MobileNet",
                           "PPResNet", "LPD_YuNet", "NanoDet", "YoloX", "VitTrack", "MPPalmDet", "MPPersonDet",
                           "YoutuReID", "MPPose", "WeChatQRCode", "PPOCRDet", "CRNN"}) {
    EXPECT_NE(find_family(name), nullptr) << name;
  }
  EXPECT_EQ(find_family("NoSuchNet"), nullptr);
}

}  // namespace
}  // namespace zoobench
