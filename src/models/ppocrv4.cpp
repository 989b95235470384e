#include "zoobench/models/ppocrv4.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/models/ppocr_det.hpp"
#include "zoobench/onnx/edit.hpp"
#include "zoobench/onnx/onnx_info.hpp"
#include "zoobench/onnx/wire.hpp"

namespace zoobench::ppocrv4 {

namespace fs = std::filesystem;

namespace {

constexpr int kTextHeight = 48;               // PaddleOCR's recogniser and classifier input height
constexpr int kClsWidth = 192;                 // classifier input 3x48x192
constexpr float kLineTolerance = 10.f;         // sorted_boxes: same line when top-left y differs by less

// Picks the variant's det / rec / cls files by name.
fs::path file_with(const std::vector<fs::path>& files, const char* role) {
  for (const auto& f : files) {
    if (f.filename().string().find(role) != std::string::npos) return f;
  }
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.filename().string());
  throw ModelError(ModelError::Kind::Missing,
                   fmt::format("PP-OCRv4 needs a detector (*_det*), a recogniser (*_rec*) and an angle classifier "
                               "(*_cls*) ONNX file in one folder; no '{}' file among [{}]",
                               role, fmt::join(names, ", ")));
}

// The recogniser with its input fixed at 1 x C x H x width (dims that are already fixed stay as they are).
cv::dnn::Net read_fixed_width_net(const fs::path& file, int width, const BackendTarget& backend_target,
                                  cv::Size& input) {
  check_model_file(file);
  const OnnxInfo info = read_onnx_info(file);
  const auto& declared = info.inputs.front();
  if (declared.dims.size() != 4 || (declared.dims[1] > 0 && declared.dims[1] != 3)) {
    throw ModelError(ModelError::Kind::Unsupported,
                     fmt::format("{}: expected a 4-D BGR input N x 3 x 48 x W", file.filename().string()));
  }
  const std::int64_t height = declared.dims[2] > 0 ? declared.dims[2] : kTextHeight;
  const std::int64_t fixed_width = declared.dims[3] > 0 ? declared.dims[3] : width;
  const std::vector<std::int64_t> dims = {1, 3, height, fixed_width};
  const std::string fixed = onnx::with_input_dims(onnx::read_model_bytes(file), declared.name, dims, file.string());
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(fixed.data(), fixed.size());
  } catch (const cv::Exception& e) {
    throw ModelError(ModelError::Kind::Unsupported,
                     unsupported_import_message(file, fmt::format("{} (with its input fixed at {})",
                                                                  short_cv_message(e), fmt::join(dims, "x"))));
  }
  if (net.empty()) {
    throw ModelError(ModelError::Kind::Unsupported,
                     unsupported_import_message(file, "the importer returned an empty net"));
  }
  net.setPreferableBackend(backend_target.backend);
  net.setPreferableTarget(backend_target.target);
  input = {static_cast<int>(fixed_width), static_cast<int>(height)};
  return net;
}

class PpOcrV4 final : public Model {
 public:
  explicit PpOcrV4(const ModelContext& ctx)
      : m_limit_side_len(ctx.params.integer("limitSideLen", 960)),
        m_cls_threshold(static_cast<float>(ctx.params.number("clsThreshold", 0.9))) {
    // PaddleOCR's defaults for PP-OCRv4 (det_db_thresh, det_db_box_thresh, max candidates, unclip ratio).
    m_db.binary_threshold = static_cast<float>(ctx.params.number("binaryThreshold", 0.3));
    m_db.polygon_threshold = static_cast<float>(ctx.params.number("polygonThreshold", 0.6));
    m_db.max_candidates = ctx.params.integer("maxCandidates", 1000);
    m_db.unclip_ratio = static_cast<float>(ctx.params.number("unclipRatio", 1.5));
    const int rec_width = ctx.params.integer("recInputWidth", 320);
    if (rec_width < 8 || m_limit_side_len < 32) {
      throw Error("PPOCRv4: recInputWidth must be >= 8 and limitSideLen >= 32");
    }

    const fs::path det = file_with(ctx.files, "_det");
    const fs::path rec = file_with(ctx.files, "_rec");
    const fs::path cls = file_with(ctx.files, "_cls");
    fs::path keys = ctx.params.text("keys", "ppocr_keys_v1.txt");
    if (keys.is_relative()) keys = rec.parent_path() / keys;
    m_keys = read_keys(keys);

    m_det = read_net(det, ctx.backend_target);
    m_cls = read_net(cls, ctx.backend_target);
    m_rec = read_fixed_width_net(rec, rec_width, ctx.backend_target, m_rec_input);

    const OnnxInfo rec_info = read_onnx_info(rec);
    if (!rec_info.outputs.empty() && !rec_info.outputs.front().dims.empty()) {
      const auto classes = rec_info.outputs.front().dims.back();
      if (classes > 0 && classes != static_cast<std::int64_t>(m_keys.size()) + 1) {
        throw ModelError(ModelError::Kind::Unsupported,
                         fmt::format("{}: the recogniser has {} classes but {} gives {} (blank + {} keys + space)",
                                     rec.filename().string(), classes, keys.filename().string(), m_keys.size() + 1,
                                     m_keys.size() - 1));
      }
    }
  }

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    m_image = image;
    m_det_blob = ppocr_det::make_blob(image, det_input_size(image.size(), m_limit_side_len));
  }

  void infer() override {
    m_det.setInput(m_det_blob);
    m_probability = m_det.forward();
    m_boxes = ppocr_det::decode(ppocr_det::probability_map(m_probability), m_image.size(), m_db);
    sort_boxes(m_boxes);
    m_rec_outputs.clear();
    for (const auto& box : m_boxes) {
      cv::Mat crop = crop_text(m_image, box.points);
      m_cls.setInput(text_blob(crop, {kClsWidth, kTextHeight}));
      const cv::Mat angle = m_cls.forward();
      if (angle.total() != 2) {
        throw Error(fmt::format("PPOCRv4: the angle classifier gave {} scores, not 2", angle.total()));
      }
      const float* p = angle.ptr<float>();
      if (p[1] > p[0] && p[1] > m_cls_threshold) cv::rotate(crop, crop, cv::ROTATE_180);
      m_rec.setInput(text_blob(crop, m_rec_input));
      m_rec_outputs.push_back(m_rec.forward().clone());  // forward's buffer is reused by the next call
    }
  }

  void postprocess() override {
    m_result.detections = m_boxes;
    m_result.texts.clear();
    for (const auto& scores : m_rec_outputs) m_result.texts.push_back(crnn::ctc_decode(scores, m_keys));
  }

  std::string result_summary() const override {
    std::vector<std::string> shown;
    for (std::size_t i = 0; i < m_result.texts.size() && i < 5; ++i) shown.push_back("'" + m_result.texts[i] + "'");
    if (m_result.texts.size() > 5) shown.push_back("...");
    return fmt::format("{} text lines: {}", m_result.texts.size(), fmt::join(shown, ", "));
  }

  std::string stage_note() const override {
    return "infer runs the whole chain (detector forward, DB boxes, per box: crop, angle classifier and "
           "recogniser forwards), since each net's input comes from the previous one; postprocess is the CTC "
           "decoding";
  }

  const cv::dnn::Net* net() const override { return &m_det; }
  std::vector<cv::dnn::Net> nets() const override { return {m_det, m_cls, m_rec}; }
  // The detector's input of the last call, then the classifier's and the recogniser's fixed inputs.
  std::vector<std::vector<int>> input_shapes() const override {
    if (m_det_blob.empty()) return {};
    return {std::vector<int>(m_det_blob.size.p, m_det_blob.size.p + m_det_blob.dims), {1, 3, kTextHeight, kClsWidth},
            {1, 3, m_rec_input.height, m_rec_input.width}};
  }

  // The detector's probability map, then each box's recogniser scores (angle scores only pick a rotation).
  std::vector<cv::Mat> raw_outputs() const override {
    std::vector<cv::Mat> outputs = {m_probability};
    outputs.insert(outputs.end(), m_rec_outputs.begin(), m_rec_outputs.end());
    return outputs;
  }

 private:
  int m_limit_side_len;
  float m_cls_threshold;
  ppocr_det::DbParams m_db;
  crnn::Charset m_keys;
  cv::dnn::Net m_det;
  cv::dnn::Net m_cls;
  cv::dnn::Net m_rec;
  cv::Size m_rec_input;
  cv::Mat m_image;
  cv::Mat m_det_blob;
  cv::Mat m_probability;
  std::vector<Detection> m_boxes;
  std::vector<cv::Mat> m_rec_outputs;
};

}  // namespace

cv::Size det_input_size(cv::Size image, int limit_side_len) {
  const int longer = std::max(image.width, image.height);
  const double ratio = longer > limit_side_len ? static_cast<double>(limit_side_len) / longer : 1.0;
  // std::lrint rounds half to even under the default rounding mode, like Python's round().
  auto side = [&](int v) {
    const int scaled = static_cast<int>(v * ratio);
    return std::max(static_cast<int>(std::lrint(scaled / 32.0)) * 32, 32);
  };
  return {side(image.width), side(image.height)};
}

cv::Mat crop_text(const cv::Mat& image, const std::vector<cv::Point2f>& quad) {
  if (quad.size() != 4) throw Error(fmt::format("PPOCRv4: a text box needs 4 corners, got {}", quad.size()));
  const cv::Point2f& bl = quad[0];
  const cv::Point2f& tl = quad[1];
  const cv::Point2f& tr = quad[2];
  const cv::Point2f& br = quad[3];
  const int w = std::max(1, static_cast<int>(std::max(cv::norm(tl - tr), cv::norm(br - bl))));
  const int h = std::max(1, static_cast<int>(std::max(cv::norm(tl - bl), cv::norm(tr - br))));
  const std::vector<cv::Point2f> from = {tl, tr, br, bl};
  const std::vector<cv::Point2f> to = {{0, 0},
                                       {static_cast<float>(w), 0},
                                       {static_cast<float>(w), static_cast<float>(h)},
                                       {0, static_cast<float>(h)}};
  cv::Mat out;
  cv::warpPerspective(image, out, cv::getPerspectiveTransform(from, to), {w, h}, cv::INTER_CUBIC,
                      cv::BORDER_REPLICATE);
  if (static_cast<double>(h) / w >= 1.5) cv::rotate(out, out, cv::ROTATE_90_COUNTERCLOCKWISE);
  return out;
}

cv::Mat text_blob(const cv::Mat& crop, cv::Size input) {
  if (crop.empty() || crop.channels() != 3) throw Error("PPOCRv4: a text crop must be a non-empty BGR image");
  const double aspect = static_cast<double>(crop.cols) / crop.rows;
  const int width = std::clamp(static_cast<int>(std::ceil(input.height * aspect)), 1, input.width);
  cv::Mat resized;
  cv::resize(crop, resized, {width, input.height});
  cv::Mat normalised;
  resized.convertTo(normalised, CV_32F, 1.0 / 127.5, -1.0);  // (x / 255 - 0.5) / 0.5
  cv::Mat blob(std::vector<int>{1, 3, input.height, input.width}, CV_32F, cv::Scalar(0));
  std::vector<cv::Mat> channels;
  cv::split(normalised, channels);
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(input.height, input.width, CV_32F, blob.ptr<float>(0, c));
    channels[static_cast<std::size_t>(c)].copyTo(plane(cv::Rect(0, 0, width, input.height)));
  }
  return blob;
}

void sort_boxes(std::vector<Detection>& boxes) {
  auto top_left = [](const Detection& d) { return d.points.size() == 4 ? d.points[1] : d.box.tl(); };
  std::stable_sort(boxes.begin(), boxes.end(), [&](const Detection& a, const Detection& b) {
    const cv::Point2f pa = top_left(a), pb = top_left(b);
    return pa.y < pb.y || (pa.y == pb.y && pa.x < pb.x);
  });
  // Boxes on one line (top-left y within the tolerance) are put in x order.
  for (std::size_t i = 0; i + 1 < boxes.size(); ++i) {
    for (std::size_t j = i + 1; j > 0; --j) {
      const cv::Point2f prev = top_left(boxes[j - 1]), cur = top_left(boxes[j]);
      if (std::abs(cur.y - prev.y) < kLineTolerance && cur.x < prev.x) {
        std::swap(boxes[j - 1], boxes[j]);
      } else {
        break;
      }
    }
  }
}

crnn::Charset read_keys(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ModelError(ModelError::Kind::Missing,
                     fmt::format("{}: PP-OCRv4 keys file not found (ppocr_keys_v1.txt from PaddleOCR belongs beside "
                                 "the models, or name one in Model.keys)",
                                 file.string()));
  }
  crnn::Charset keys;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    keys.push_back(line);
  }
  if (keys.empty()) throw ModelError(ModelError::Kind::Corrupt, fmt::format("{}: keys file is empty", file.string()));
  keys.emplace_back(" ");  // PaddleOCR's use_space_char: the last class is a space
  return keys;
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<PpOcrV4>(ctx); }

}  // namespace zoobench::ppocrv4
