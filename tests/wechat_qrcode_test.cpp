#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "test_support.hpp"
#include "zoobench/catalog/catalog.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/wechat_qrcode.hpp"

#ifdef ZOO_BENCH_HAVE_WECHAT_QRCODE
#include <opencv2/wechat_qrcode.hpp>
#endif

namespace zoobench {
namespace {

namespace fs = std::filesystem;

// The zoo's four file names, in the sorted order discovery yields.
const std::vector<std::string> kZooFiles = {"detect_2021nov.caffemodel", "detect_2021nov.prototxt",
                                            "sr_2021nov.caffemodel", "sr_2021nov.prototxt"};

std::vector<fs::path> write_files(const fs::path& dir, const std::vector<std::string>& names,
                                  const std::string& content) {
  std::vector<fs::path> files;
  for (const auto& name : names) files.push_back(test::write_file(dir / name, content));
  return files;
}

ModelError::Kind error_kind(const std::vector<fs::path>& files, int backend_target, std::string* message) {
  try {
    test::build_model("WeChatQRCode", files, "{}", backend_target);
  } catch (const ModelError& e) {
    *message = e.what();
    return e.kind();
  }
  ADD_FAILURE() << "no ModelError";
  return ModelError::Kind::Runtime;
}

TEST(WeChatQRCode, CatalogGroupsTheFourCaffeFilesIntoOneVariant) {
  const Family* family = find_family("WeChatQRCode");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->grouping, Grouping::CaffeSet);
  EXPECT_FALSE(family->is_tracker());
  const auto models = test::scratch_dir();
  write_files(models / "qrcode_wechatqrcode", kZooFiles, "x");
  test::write_file(models / "qrcode_wechatqrcode" / "README.md", "not a model");
  const auto variants = discover_variants(*family, models);
  ASSERT_EQ(variants.size(), 1u);
  EXPECT_EQ(variants[0].precision, Precision::FP32);
  EXPECT_EQ(variants[0].file_list(),
            "['detect_2021nov.caffemodel', 'detect_2021nov.prototxt', 'sr_2021nov.caffemodel', 'sr_2021nov.prototxt']");
}

TEST(WeChatQRCode, FilesArePutInConstructorOrderAndMissingOnesNamed) {
  const auto dir = test::scratch_dir();
  const auto files = write_files(dir, kZooFiles, "x");
  const auto ordered = wechat::ordered_files(files);
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_EQ(ordered[0].filename(), "detect_2021nov.prototxt");
  EXPECT_EQ(ordered[1].filename(), "detect_2021nov.caffemodel");
  EXPECT_EQ(ordered[2].filename(), "sr_2021nov.prototxt");
  EXPECT_EQ(ordered[3].filename(), "sr_2021nov.caffemodel");
  try {
    wechat::ordered_files({files[0], files[1], files[3]});
    ADD_FAILURE() << "no error for a set without sr_*.caffemodel";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Missing);
    EXPECT_NE(std::string(e.what()).find("super-resolution weights"), std::string::npos) << e.what();
  }
}

TEST(WeChatQRCode, CudaTargetsAreUnsupported) {
  const auto files = write_files(test::scratch_dir(), kZooFiles, "x");
  for (int index : {1, 2, 3, 4}) {
    std::string message;
    EXPECT_EQ(error_kind(files, index, &message), ModelError::Kind::Unsupported) << index;
    EXPECT_NE(message.find("WeChatQRCode runs on the CPU only (the zoo excludes it from CUDA runs)"), std::string::npos)
        << message;
  }
}

TEST(WeChatQRCode, WithoutTheContribModuleItIsUnsupported) {
  if (wechat::available()) GTEST_SKIP() << "this OpenCV has wechat_qrcode; the gate is tested where it lacks it";
  const auto files = write_files(test::scratch_dir(), kZooFiles, "x");
  std::string message;
  EXPECT_EQ(error_kind(files, 0, &message), ModelError::Kind::Unsupported);
  EXPECT_NE(message.find("this OpenCV was built without opencv_contrib's wechat_qrcode module"), std::string::npos)
      << message;
}

TEST(WeChatQRCode, AbsentPointerAndBrokenFilesAreNamed) {
  if (!wechat::available()) GTEST_SKIP() << "this OpenCV lacks opencv_contrib's wechat_qrcode module";
  const auto dir = test::scratch_dir();
  std::string message;
  auto files = write_files(dir / "pointers", kZooFiles, "version https://git-lfs.github.com/spec/v1\noid sha256:0\n");
  EXPECT_EQ(error_kind(files, 0, &message), ModelError::Kind::LfsPointer) << message;
  files = write_files(dir / "broken", kZooFiles, "this is not a Caffe model {");
  EXPECT_EQ(error_kind(files, 0, &message), ModelError::Kind::Corrupt) << message;
  EXPECT_EQ(error_kind({dir / "none" / "detect_2021nov.prototxt", dir / "none" / "detect_2021nov.caffemodel",
                        dir / "none" / "sr_2021nov.prototxt", dir / "none" / "sr_2021nov.caffemodel"},
                       0, &message),
            ModelError::Kind::Missing)
      << message;
}

TEST(WeChatQRCode, CornersBecomeADetection) {
  const cv::Mat corners = (cv::Mat_<float>(4, 2) << 10, 20, 110, 22, 108, 120, 8, 118);
  const Detection code = wechat::detection_of(corners);
  ASSERT_EQ(code.points.size(), 4u);
  EXPECT_FLOAT_EQ(code.points[2].x, 108.f);
  EXPECT_FLOAT_EQ(code.box.x, 8.f);
  EXPECT_FLOAT_EQ(code.box.y, 20.f);
  EXPECT_FLOAT_EQ(code.box.width, 102.f);
  EXPECT_FLOAT_EQ(code.box.height, 100.f);
  EXPECT_THROW(wechat::detection_of(cv::Mat::zeros(1, 3, CV_32F)), Error);
}

// The zoo's Caffe nets are not here. Stand-ins with the same interface, made of weightless layers: a
// "detector" whose `detection_output` is always one QR box over the whole image, [0, 1, 0.99, 0, 0, 1, 1],
// and an identity "super-resolution" net. With them the family's real path runs: WeChatQRCode loads both
// Caffe nets, runs them, and its decoder reads a QR code generated here.
std::string constant_power(const std::string& name, float shift) {
  return "layer { name: \"" + name + "\" type: \"Power\" bottom: \"pooled\" top: \"" + name +
         "\" power_param { power: 1 scale: 0 shift: " + std::to_string(shift) + " } }\n";
}

TEST(WeChatQRCode, StandInCaffeNetsDecodeAGeneratedCode) {
  if (!wechat::available()) GTEST_SKIP() << "this OpenCV lacks opencv_contrib's wechat_qrcode module";
  const auto dir = test::scratch_dir();
  std::string detector =
      "name: \"detect_stand_in\"\ninput: \"data\"\ninput_shape { dim: 1 dim: 1 dim: 384 dim: 384 }\n"
      "layer { name: \"pooled\" type: \"Pooling\" bottom: \"data\" top: \"pooled\" "
      "pooling_param { pool: AVE global_pooling: true } }\n";
  const float row[7] = {0, 1, 0.99f, 0, 0, 1, 1};  // image id, class 1 (QR), score, x0, y0, x1, y1
  std::string concat = "layer { name: \"detection_output\" type: \"Concat\" top: \"detection_output\"";
  for (int i = 0; i < 7; ++i) {
    detector += constant_power("v" + std::to_string(i), row[i]);
    concat += " bottom: \"v" + std::to_string(i) + "\"";
  }
  detector += concat + " concat_param { axis: 3 } }\n";
  const std::string sr =
      "name: \"sr_stand_in\"\ninput: \"data\"\ninput_shape { dim: 1 dim: 1 dim: 64 dim: 64 }\n"
      "layer { name: \"same\" type: \"Power\" bottom: \"data\" top: \"same\" power_param { power: 1 } }\n";
  // Weightless nets: the .caffemodel files are empty NetParameter messages (zero bytes would read as an
  // empty model file, so write the smallest valid message: field 1 `name`, "w").
  const std::string empty_net("\x0a\x01w", 3);
  const std::vector<fs::path> files = {
      test::write_file(dir / "detect_2021nov.caffemodel", empty_net), test::write_file(dir / "detect_2021nov.prototxt", detector),
      test::write_file(dir / "sr_2021nov.caffemodel", empty_net), test::write_file(dir / "sr_2021nov.prototxt", sr)};

  cv::Mat code;
  cv::QRCodeEncoder::create()->encode("zoo-bench", code);
  ASSERT_FALSE(code.empty());
  cv::Mat image;
  cv::resize(code, image, {}, 8, 8, cv::INTER_NEAREST);
  cv::copyMakeBorder(image, image, 40, 40, 40, 40, cv::BORDER_CONSTANT, cv::Scalar(255));
  cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);

  auto built = test::build_model("WeChatQRCode", files);
  EXPECT_EQ(built->stage_note(), "detectAndDecode is one OpenCV call: its internal stages are timed as inference");
  built->set_input_size(image.size());
  test::run_once(*built.model, image);
  const auto& texts = built->result().texts;
  ASSERT_EQ(texts.size(), 1u) << built->result_summary();
  EXPECT_EQ(texts[0], "zoo-bench");
  EXPECT_NE(built->result_summary().find("'zoo-bench'"), std::string::npos);
}

#ifdef ZOO_BENCH_HAVE_WECHAT_QRCODE
// The four real files in discovery (sorted) order; empty when any is absent.
std::vector<fs::path> real_files() {
  const fs::path dir = test::shared_models() / "qrcode_wechatqrcode";
  std::vector<fs::path> files;
  for (const char* name : {"detect.caffemodel", "detect.prototxt", "sr.caffemodel", "sr.prototxt"}) {
    if (!fs::exists(dir / name)) return {};
    files.push_back(dir / name);
  }
  return files;
}

// The real detector and super-resolution nets decode a QR code made here with cv::QRCodeEncoder, at
// the code's size and at the config's 100x100, and say the same as OpenCV's own WeChatQRCode called
// directly. Proves our wrapper passes the files in the right roles and reports what OpenCV decodes.
TEST(WeChatQRCode, RealModelsDecodeAGeneratedCodeLikeOpenCv) {
  const auto files = real_files();
  if (files.empty()) GTEST_SKIP() << "no WeChatQRCode files in " << test::shared_models();
  const std::string text = "https://github.com/opencv/opencv_zoo";
  cv::Mat code;
  cv::QRCodeEncoder::create()->encode(text, code);
  ASSERT_FALSE(code.empty());
  cv::Mat big;
  cv::resize(code, big, {}, 8, 8, cv::INTER_NEAREST);
  cv::copyMakeBorder(big, big, 32, 32, 32, 32, cv::BORDER_CONSTANT, cv::Scalar(255));
  cv::cvtColor(big, big, cv::COLOR_GRAY2BGR);
  cv::Mat small;
  cv::resize(big, small, {100, 100});

  auto built = test::build_model("WeChatQRCode", files);
  cv::wechat_qrcode::WeChatQRCode opencv(files[1].string(), files[0].string(), files[3].string(), files[2].string());
  for (const cv::Mat& image : {big, small}) {
    SCOPED_TRACE(image.cols);
    built->set_input_size(image.size());
    test::run_once(*built.model, image);
    const auto& texts = built->result().texts;
    ASSERT_EQ(texts.size(), 1u) << built->result_summary();
    EXPECT_EQ(texts[0], text);
    EXPECT_EQ(texts, opencv.detectAndDecode(image));
    ASSERT_EQ(built->result().detections.size(), 1u);
    EXPECT_GT(built->result().detections[0].box.area(), 0.15 * image.cols * image.rows);
  }
}
#endif

// scripts/make_data_root.sh writes a QR code into the qrcode folder; it must decode to the text the
// script names, with WeChatQRCode and the real files when this OpenCV has the module, else with
// OpenCV's QRCodeDetector. A build without either decoder (the project's minimal 4.10 has no
// wechat_qrcode and no quirc) can only check that a code is found.
TEST(WeChatQRCode, DataRootQrImageDecodes) {
  if (!fs::exists(test::shared_data() / "images")) GTEST_SKIP() << "no " << test::shared_data();
  const auto root = test::scratch_dir() / "data";
  test::make_data_root(root);
  const cv::Mat image = cv::imread((root / "qrcode" / "opencv_org_qr.pgm").string());
  ASSERT_FALSE(image.empty());
  cv::QRCodeDetector detector;
  std::vector<cv::Point2f> corners;
  ASSERT_TRUE(detector.detect(image, corners));
  std::string decoded = detector.decode(image, corners);
#ifdef ZOO_BENCH_HAVE_WECHAT_QRCODE
  const auto files = real_files();
  if (!files.empty()) {
    auto built = test::build_model("WeChatQRCode", files);
    cv::Mat resized;
    cv::resize(image, resized, {100, 100});  // the config's size
    built->set_input_size(resized.size());
    test::run_once(*built.model, resized);
    ASSERT_EQ(built->result().texts.size(), 1u) << built->result_summary();
    decoded = built->result().texts[0];
  }
#endif
  if (decoded.empty()) GTEST_SKIP() << "a QR code is found, but this OpenCV has no decoder (no wechat_qrcode, no quirc)";
  EXPECT_EQ(decoded, "https://opencv.org/");
}

}  // namespace
}  // namespace zoobench
