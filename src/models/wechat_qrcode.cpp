#include "zoobench/models/wechat_qrcode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#ifdef ZOO_BENCH_HAVE_WECHAT_QRCODE
#include <opencv2/wechat_qrcode.hpp>
#endif

#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"

namespace zoobench::wechat {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFamily = "WeChatQRCode";

#ifdef ZOO_BENCH_HAVE_WECHAT_QRCODE
std::string joined(const std::vector<std::string>& texts) {
  std::string out;
  for (const auto& text : texts) out += fmt::format("{}'{}'", out.empty() ? "" : ", ", text);
  return out;
}

class WeChatQRCode final : public Model {
 public:
  explicit WeChatQRCode(const std::vector<fs::path>& files) {
    try {
      m_detector = cv::makePtr<cv::wechat_qrcode::WeChatQRCode>(files[0].string(), files[1].string(),
                                                                files[2].string(), files[3].string());
    } catch (const cv::Exception& e) {
      throw ModelError(ModelError::Kind::Corrupt,
                       fmt::format("{}: OpenCV cannot load the detector/super-resolution Caffe files ({}, ...): {}",
                                   kFamily, files[0].filename().string(), short_cv_message(e)));
    }
  }

  // Nothing to prepare: detectAndDecode takes the image as it is (grey conversion happens inside).
  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override { m_image = image; }

  void infer() override { m_texts = m_detector->detectAndDecode(m_image, m_corners); }

  void postprocess() override {
    m_result.texts = m_texts;
    m_result.detections.clear();
    for (const auto& corners : m_corners) m_result.detections.push_back(detection_of(corners));
  }

  std::string result_summary() const override {
    if (m_result.texts.empty()) return "no QR code decoded";
    return fmt::format("{} QR code{}: {}", m_result.texts.size(), m_result.texts.size() == 1 ? "" : "s",
                       joined(m_result.texts));
  }

  std::string stage_note() const override {
    return "detectAndDecode is one OpenCV call: its internal stages are timed as inference";
  }

 private:
  cv::Ptr<cv::wechat_qrcode::WeChatQRCode> m_detector;
  cv::Mat m_image;
  std::vector<std::string> m_texts;
  std::vector<cv::Mat> m_corners;
};
#endif

}  // namespace

bool available() {
#ifdef ZOO_BENCH_HAVE_WECHAT_QRCODE
  return true;
#else
  return false;
#endif
}

std::vector<fs::path> ordered_files(const std::vector<fs::path>& files) {
  struct Wanted {
    const char* prefix;
    const char* extension;
    const char* role;
  };
  static const Wanted wanted[4] = {{"detect", ".prototxt", "detector prototxt (detect_2021nov.prototxt)"},
                                   {"detect", ".caffemodel", "detector weights (detect_2021nov.caffemodel)"},
                                   {"sr", ".prototxt", "super-resolution prototxt (sr_2021nov.prototxt)"},
                                   {"sr", ".caffemodel", "super-resolution weights (sr_2021nov.caffemodel)"}};
  std::vector<fs::path> ordered;
  std::vector<std::string> absent;
  for (const auto& w : wanted) {
    const auto found = std::find_if(files.begin(), files.end(), [&](const fs::path& file) {
      return file.extension() == w.extension && file.stem().string().rfind(w.prefix, 0) == 0;
    });
    if (found == files.end()) {
      absent.emplace_back(w.role);
    } else {
      ordered.push_back(*found);
    }
  }
  if (!absent.empty()) {
    std::string list;
    for (const auto& a : absent) list += (list.empty() ? "" : ", ") + a;
    throw ModelError(ModelError::Kind::Missing,
                     fmt::format("{}: the model set lacks the {} (it needs detect_*.prototxt/.caffemodel and "
                                 "sr_*.prototxt/.caffemodel; fetch them with scripts/fetch_models.sh)",
                                 kFamily, list));
  }
  return ordered;
}

Detection detection_of(const cv::Mat& corners) {
  Detection code;
  cv::Mat values;
  corners.convertTo(values, CV_32F);
  values = values.reshape(1, 1);  // x0, y0, x1, y1, ... whatever the channel layout
  if (values.cols < 2 || values.cols % 2 != 0) {
    throw Error(fmt::format("{}: a decoded code has {} corner values; expected x,y pairs", kFamily, values.cols));
  }
  for (int i = 0; i + 1 < values.cols; i += 2) code.points.emplace_back(values.at<float>(0, i), values.at<float>(0, i + 1));
  float x0 = code.points[0].x, y0 = code.points[0].y, x1 = x0, y1 = y0;
  for (const auto& p : code.points) {
    x0 = std::min(x0, p.x);
    y0 = std::min(y0, p.y);
    x1 = std::max(x1, p.x);
    y1 = std::max(y1, p.y);
  }
  code.box = {x0, y0, x1 - x0, y1 - y0};
  code.score = 1.f;  // the decoder gives no confidence: a decoded code is certain
  return code;
}

std::unique_ptr<Model> create(const ModelContext& ctx) {
  // The zoo's wrapper refuses every backend/target but OpenCV/CPU, and its CUDA runs exclude this config.
  if (ctx.backend_target.index != 0) {
    throw ModelError(ModelError::Kind::Unsupported,
                     fmt::format("{} runs on the CPU only (the zoo excludes it from CUDA runs); asked for {}", kFamily,
                                 ctx.backend_target.name));
  }
  if (!available()) {
    throw ModelError(ModelError::Kind::Unsupported,
                     fmt::format("this OpenCV was built without opencv_contrib's wechat_qrcode module (OpenCV {}; "
                                 "Debian's libopencv-contrib-dev has it, or build with "
                                 "-DOPENCV_EXTRA_MODULES_PATH=<opencv_contrib>/modules)",
                                 CV_VERSION));
  }
  const std::vector<fs::path> files = ordered_files(ctx.files);
  for (const auto& file : files) check_model_file(file);
#ifdef ZOO_BENCH_HAVE_WECHAT_QRCODE
  return std::make_unique<WeChatQRCode>(files);
#else
  return nullptr;  // not reached: available() is false
#endif
}

}  // namespace zoobench::wechat
