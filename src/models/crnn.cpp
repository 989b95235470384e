#include "zoobench/models/crnn.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::crnn {

namespace fs = std::filesystem;

namespace {

Charset one_per_byte(const std::string& characters) {
  Charset charset;
  for (char c : characters) charset.emplace_back(1, c);
  return charset;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n\f\v") - first + 1);
}

struct ChosenCharset {
  Charset charset;
  std::string source;  // for messages: "EN_36", "file x.txt", ...
};

ChosenCharset choose_charset(const ModelContext& ctx) {
  const fs::path& model = ctx.files.at(0);
  const fs::path folder = model.parent_path();
  if (ctx.params.has("charset")) {
    fs::path file = ctx.params.text("charset", "");
    if (file.is_relative()) file = folder / file;
    return {read_charset_file(file), "file " + file.filename().string()};
  }
  const fs::path beside = folder / (model.stem().string() + ".txt");
  if (fs::is_regular_file(beside)) return {read_charset_file(beside), "file " + beside.filename().string()};
  const std::string name = model.filename().string();
  if (name.find("_EN_") != std::string::npos) return {charset_en36(), "EN_36"};
  if (name.find("_CH_") != std::string::npos) return {charset_ch94(), "CH_94"};
  if (name.find("_CN_") != std::string::npos) {
    const fs::path zoo_file = folder / "charset_3944_CN.txt";
    if (fs::is_regular_file(zoo_file)) return {read_charset_file(zoo_file), "file charset_3944_CN.txt"};
    throw ModelError(ModelError::Kind::Unsupported,
                     fmt::format("{}: the CN model needs the zoo's 3944-character charset, which zoo-bench does not "
                                 "embed: put charset_3944_CN.txt (opencv_zoo models/text_recognition_crnn/) or {} "
                                 "beside the model, or name a file in Model.charset",
                                 name, beside.filename().string()));
  }
  throw ModelError(ModelError::Kind::Unsupported,
                   fmt::format("{}: cannot tell the charset (the zoo picks it by _EN_/_CH_/_CN_ in the file name); "
                               "put {} beside the model or name a file in Model.charset",
                               name, beside.filename().string()));
}

class Crnn final : public DnnModel {
 public:
  Crnn(const ModelContext& ctx, ChosenCharset chosen) : DnnModel(ctx), m_charset(std::move(chosen.charset)) {
    const fs::path& model = ctx.files.at(0);
    // Channels from the declared input; the zoo decides by name (EN: grayscale, CH/CN: BGR).
    int channels = -1;
    if (!m_info.inputs.empty() && m_info.inputs.front().dims.size() == 4) {
      channels = static_cast<int>(m_info.inputs.front().dims[1]);
    }
    if (channels != 1 && channels != 3) {
      channels = model.filename().string().find("_EN_") != std::string::npos ? 1 : 3;
    }
    m_grayscale = channels == 1;
    if (!m_info.outputs.empty() && !m_info.outputs.front().dims.empty()) {
      const auto classes = m_info.outputs.front().dims.back();
      if (classes > 0 && classes != static_cast<std::int64_t>(m_charset.size()) + 1) {
        throw ModelError(ModelError::Kind::Unsupported,
                         fmt::format("{}: the model has {} character classes but the {} charset has {} characters; "
                                     "put the matching charset (one character per line) in {}.txt beside the model "
                                     "or name it in Model.charset",
                                     model.filename().string(), classes - 1, chosen.source, m_charset.size(),
                                     model.stem().string()));
      }
    }
  }

  void preprocess(const cv::Mat& image, const cv::Mat& label_row) override {
    // Without a label row (no <stem>.txt beside the image) the whole image is the text box.
    cv::Mat cropped = crop(image, label_quad(label_row, image.size()), {kInputWidth, kInputHeight});
    if (m_grayscale && cropped.channels() == 3) cv::cvtColor(cropped, cropped, cv::COLOR_BGR2GRAY);
    if (!m_grayscale && cropped.channels() == 1) cv::cvtColor(cropped, cropped, cv::COLOR_GRAY2BGR);
    m_blob = cv::dnn::blobFromImage(cropped, 1.0 / 127.5, cv::Size(), cv::Scalar::all(127.5));
  }

  void postprocess() override {
    if (m_outputs.empty()) throw Error("CRNN: the network returned no output");
    m_result.texts = {ctc_decode(m_outputs[0], m_charset)};
  }

  std::string result_summary() const override {
    return m_result.texts.empty() ? std::string("no text") : fmt::format("'{}'", m_result.texts.front());
  }

 private:
  Charset m_charset;
  bool m_grayscale = false;
};

}  // namespace

const Charset& charset_en36() {
  static const Charset charset = one_per_byte("0123456789abcdefghijklmnopqrstuvwxyz");
  return charset;
}

const Charset& charset_ch94() {
  // The order is the zoo's (its charset_32_94_3944.h): digits, lower case, upper case, punctuation. That
  // header lists 93 entries and stops at '}'; the 94th is '~', the one printable ASCII character it lacks
  // (the set is named 94 and is the printable ASCII range without space). The model's class count is
  // checked against this size at load.
  static const Charset charset = one_per_byte(
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
  return charset;
}

Charset read_charset_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ModelError(ModelError::Kind::Missing, fmt::format("{}: charset file not found", file.string()));
  }
  Charset charset;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 byte order mark
    first = false;
    line = trim(line);
    if (!line.empty()) charset.push_back(line);
  }
  if (charset.empty()) {
    throw ModelError(ModelError::Kind::Corrupt, fmt::format("{}: charset file has no characters", file.string()));
  }
  return charset;
}

std::vector<int> ctc_greedy(const cv::Mat& scores) {
  if (scores.empty() || scores.depth() != CV_32F || scores.dims < 2) {
    throw Error("CTC: expected float scores [T, C] (or [T, 1, C])");
  }
  const int classes = scores.size[scores.dims - 1];
  const int steps = static_cast<int>(scores.total()) / classes;
  const float* data = scores.ptr<float>();
  std::vector<int> labels;
  int previous = -1;
  for (int t = 0; t < steps; ++t) {
    const float* row = data + static_cast<std::ptrdiff_t>(t) * classes;
    const int best = static_cast<int>(std::max_element(row, row + classes) - row);
    // Collapse repeats of the class index, then drop blanks (standard CTC). The zoo collapses after
    // mapping to characters and treats '-' as the blank, which also drops CH_94's real '-'.
    if (best != previous && best != 0) labels.push_back(best);
    previous = best;
  }
  return labels;
}

std::string ctc_decode(const cv::Mat& scores, const Charset& charset) {
  std::string text;
  for (int label : ctc_greedy(scores)) {
    if (label > static_cast<int>(charset.size())) {
      throw Error(fmt::format("CTC: class {} is beyond the {}-character charset", label, charset.size()));
    }
    text += charset[static_cast<std::size_t>(label - 1)];
  }
  return text;
}

std::vector<cv::Point2f> label_quad(const cv::Mat& label_row, cv::Size image) {
  if (label_row.empty()) {
    const auto right = static_cast<float>(image.width - 1);
    const auto bottom = static_cast<float>(image.height - 1);
    return {{0, bottom}, {0, 0}, {right, 0}, {right, bottom}};
  }
  if (label_row.total() < 8) {
    throw DataError(fmt::format("text label row has {} numbers; the zoo's rows are 8 (4 corners: bottom-left, "
                                "top-left, top-right, bottom-right)",
                                label_row.total()));
  }
  cv::Mat values;
  label_row.reshape(1, 1).convertTo(values, CV_32F);
  const float* v = values.ptr<float>();
  return {{v[0], v[1]}, {v[2], v[3]}, {v[4], v[5]}, {v[6], v[7]}};
}

cv::Mat crop(const cv::Mat& image, const std::vector<cv::Point2f>& quad, cv::Size size) {
  if (quad.size() != 4) throw Error(fmt::format("text crop: expected 4 corners, got {}", quad.size()));
  const auto right = static_cast<float>(size.width - 1);
  const auto bottom = static_cast<float>(size.height - 1);
  const std::vector<cv::Point2f> target = {{0, bottom}, {0, 0}, {right, 0}, {right, bottom}};
  cv::Mat out;
  cv::warpPerspective(image, out, cv::getPerspectiveTransform(quad, target), size);
  return out;
}

std::unique_ptr<Model> create(const ModelContext& ctx) {
  check_model_file(ctx.files.at(0));
  ChosenCharset chosen = choose_charset(ctx);
  return std::make_unique<Crnn>(ctx, std::move(chosen));
}

}  // namespace zoobench::crnn
