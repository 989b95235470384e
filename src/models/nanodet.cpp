#include "zoobench/models/nanodet.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"
#include "zoobench/models/dnn_model.hpp"

namespace zoobench::nanodet {

namespace {

constexpr int kBins = kRegMax + 1;
constexpr int kRegColumns = 4 * kBins;
const cv::Scalar kMean(103.53, 116.28, 123.675);  // BGR order, as the zoo applies it to the BGR image
const double kStd[3] = {57.375, 57.12, 58.395};

// A [1, N, C] or [N, C] float tensor viewed as N x C; empty when it is neither.
cv::Mat as_rows(const cv::Mat& m) {
  if (m.empty() || m.depth() != CV_32F || m.dims < 2 || m.dims > 3 || (m.dims == 3 && m.size[0] != 1)) return {};
  const int cols = m.size[m.dims - 1];
  return cv::Mat(static_cast<int>(m.total()) / cols, cols, CV_32F, const_cast<float*>(m.ptr<float>()));
}

// Expected distance of one box side: softmax over the bins, weighted by the bin index.
float expected_distance(const float* bins) {
  const float top = *std::max_element(bins, bins + kBins);
  float sum = 0, weighted = 0;
  for (int j = 0; j < kBins; ++j) {
    const float e = std::exp(bins[j] - top);
    sum += e;
    weighted += e * static_cast<float>(j);
  }
  return weighted / sum;
}

class NanoDet final : public DnnModel {
 public:
  explicit NanoDet(const ModelContext& ctx)
      : DnnModel(ctx),
        m_prob_threshold(static_cast<float>(ctx.params.number("prob_threshold", 0.35))),
        m_iou_threshold(static_cast<float>(ctx.params.number("iou_threshold", 0.6))),
        m_input_size(declared_input_size({416, 416})) {}

  void preprocess(const cv::Mat& image, const cv::Mat& /*label_row*/) override {
    m_original = image.size();
    m_letterbox = letterbox(image, m_input_size);
    m_blob = cv::dnn::blobFromImage(m_letterbox.image, 1.0, cv::Size(), kMean, false, false);
    for (int c = 0; c < 3; ++c) {
      cv::Mat plane(m_input_size, CV_32F, m_blob.ptr<float>(0, c));
      plane *= 1.0 / kStd[c];
    }
  }

  void postprocess() override {
    // Class-agnostic NMS as the zoo's Python (the benchmark's code path); its C++ demo's NMSBoxesBatched
    // would keep overlapping boxes of different classes.
    m_result.detections =
        nms(decode(arrange_outputs(m_outputs, m_input_size, m_output_names), m_input_size, m_prob_threshold),
            m_prob_threshold, m_iou_threshold);
    for (auto& d : m_result.detections) d.box = unletterbox(d.box, m_letterbox, m_original);
  }

  std::string result_summary() const override { return summarize_detections(m_result.detections, "objects"); }

 private:
  float m_prob_threshold;
  float m_iou_threshold;
  cv::Size m_input_size;
  cv::Size m_original;
  Letterbox m_letterbox;
};

}  // namespace

std::vector<Level> arrange_outputs(const std::vector<cv::Mat>& outputs, cv::Size input,
                                   const std::vector<std::string>& names) {
  // Everything found, for the one-line error when the layout does not fit.
  const auto found = [&] {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      const cv::Mat& m = outputs[i];
      std::vector<int> dims(m.size.p, m.size.p + m.dims);
      parts.push_back(fmt::format("{}[{}]", i < names.size() ? names[i] + " " : "", fmt::join(dims, ",")));
    }
    return fmt::format("{} output(s) for a {}x{} input: {}", outputs.size(), input.width, input.height,
                       parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", ")));
  };
  const auto fail = [&](const std::string& why) {
    return Error(fmt::format("NanoDet: {}; found {} (expected class-score [N, C] / distance [N, {}] pairs, one "
                             "per stride, N = grid cells)",
                             why, found(), kRegColumns));
  };
  if (outputs.empty() || outputs.size() % 2 != 0) throw fail("the outputs do not form pairs");
  // OpenCV lists unconnected outputs in its own order (not the graph's), so pair tensors by their row count
  // (cells of one stride) and tell the roles apart by the 32 distance columns.
  std::vector<cv::Mat> pending;
  for (const auto& out : outputs) {
    pending.push_back(as_rows(out));
    if (pending.back().empty()) throw fail("an output is not a float [N, C] or [1, N, C] tensor");
  }
  std::vector<Level> levels;
  while (!pending.empty()) {
    const cv::Mat first = pending.front();
    pending.erase(pending.begin());
    const auto partner =
        std::find_if(pending.begin(), pending.end(), [&](const cv::Mat& m) { return m.rows == first.rows; });
    if (partner == pending.end()) throw fail(fmt::format("the output with {} rows has no partner", first.rows));
    Level level{first, *partner};
    pending.erase(partner);
    if (level.cls.cols == kRegColumns && level.reg.cols != kRegColumns) std::swap(level.cls, level.reg);
    if (level.reg.cols != kRegColumns) {
      throw fail(fmt::format("the outputs with {} rows have {} and {} columns, none of them a distance output",
                             level.cls.rows, level.cls.cols, level.reg.cols));
    }
    levels.push_back(level);
  }
  // Finest stride first: it has the most cells.
  std::sort(levels.begin(), levels.end(), [](const Level& a, const Level& b) { return a.cls.rows > b.cls.rows; });
  for (auto& level : levels) {
    for (int s : kStrides) {
      const int floor_cols = input.width / s;
      const int ceil_cols = (input.width + s - 1) / s;
      if (floor_cols * (input.height / s) == level.cls.rows) {
        level.cols = floor_cols;
      } else if (ceil_cols * ((input.height + s - 1) / s) == level.cls.rows) {
        level.cols = ceil_cols;
      } else {
        continue;
      }
      level.stride = s;
      break;
    }
    if (level.stride == 0) {
      throw fail(fmt::format("{} rows fit no stride of 8/16/32/64/128", level.cls.rows));
    }
    if (&level != &levels.front() && level.stride == (&level - 1)->stride) {
      throw fail(fmt::format("two levels have stride {}", level.stride));
    }
  }
  return levels;
}

std::vector<Detection> decode(const std::vector<Level>& levels, cv::Size input, float score_threshold) {
  const auto max_x = static_cast<float>(input.width);
  const auto max_y = static_cast<float>(input.height);
  std::vector<Detection> candidates;
  for (const Level& level : levels) {
    const int stride = level.stride;
    const cv::Mat& cls = level.cls;
    const cv::Mat& reg = level.reg;
    const int cols = level.cols;
    if (stride <= 0 || cols <= 0 || reg.rows != cls.rows) {
      throw Error(fmt::format("NanoDet: a level without a stride/grid or with unequal rows ({} and {}); "
                              "levels come from arrange_outputs()",
                              cls.rows, reg.rows));
    }
    // Best class per row, then the zoo's per-level pre-NMS cut to the top rows by that score.
    std::vector<int> best_class(static_cast<std::size_t>(cls.rows));
    std::vector<float> best_score(static_cast<std::size_t>(cls.rows));
    for (int r = 0; r < cls.rows; ++r) {
      const float* row = cls.ptr<float>(r);
      const float* best = std::max_element(row, row + cls.cols);
      best_class[static_cast<std::size_t>(r)] = static_cast<int>(best - row);
      best_score[static_cast<std::size_t>(r)] = *best;
    }
    std::vector<int> rows(static_cast<std::size_t>(cls.rows));
    std::iota(rows.begin(), rows.end(), 0);
    if (cls.rows > kPreNmsTop) {
      std::nth_element(rows.begin(), rows.begin() + kPreNmsTop, rows.end(), [&](int a, int b) {
        return best_score[static_cast<std::size_t>(a)] > best_score[static_cast<std::size_t>(b)];
      });
      rows.resize(kPreNmsTop);
    }
    const auto s = static_cast<float>(stride);
    for (int r : rows) {
      const float score = best_score[static_cast<std::size_t>(r)];
      if (!(score >= score_threshold)) continue;
      const float cx = static_cast<float>(r % cols) * s + 0.5f * (s - 1.f);
      const float cy = static_cast<float>(r / cols) * s + 0.5f * (s - 1.f);
      const float* bins = reg.ptr<float>(r);
      const float left = expected_distance(bins) * s;
      const float top = expected_distance(bins + kBins) * s;
      const float right = expected_distance(bins + 2 * kBins) * s;
      const float bottom = expected_distance(bins + 3 * kBins) * s;
      const float x1 = std::clamp(cx - left, 0.f, max_x);
      const float y1 = std::clamp(cy - top, 0.f, max_y);
      const float x2 = std::clamp(cx + right, 0.f, max_x);
      const float y2 = std::clamp(cy + bottom, 0.f, max_y);
      Detection d;
      d.box = {x1, y1, x2 - x1, y2 - y1};
      d.score = score;
      d.class_id = best_class[static_cast<std::size_t>(r)];
      candidates.push_back(d);
    }
  }
  return candidates;
}

Letterbox letterbox(const cv::Mat& image, cv::Size input) {
  Letterbox lb;
  if (image.size() == input) {
    lb.image = image;
    lb.scaled = input;
    return lb;
  }
  const double ratio = std::min(static_cast<double>(input.width) / image.cols,
                                static_cast<double>(input.height) / image.rows);
  lb.scaled = {std::clamp(static_cast<int>(image.cols * ratio), 1, input.width),
               std::clamp(static_cast<int>(image.rows * ratio), 1, input.height)};
  lb.top = (input.height - lb.scaled.height) / 2;
  lb.left = (input.width - lb.scaled.width) / 2;
  cv::Mat resized;
  cv::resize(image, resized, lb.scaled, 0, 0, cv::INTER_AREA);
  cv::copyMakeBorder(resized, lb.image, lb.top, input.height - lb.scaled.height - lb.top, lb.left,
                     input.width - lb.scaled.width - lb.left, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return lb;
}

cv::Rect2f unletterbox(const cv::Rect2f& box, const Letterbox& lb, cv::Size original) {
  const float sx = static_cast<float>(original.width) / static_cast<float>(lb.scaled.width);
  const float sy = static_cast<float>(original.height) / static_cast<float>(lb.scaled.height);
  const auto w = static_cast<float>(original.width);
  const auto h = static_cast<float>(original.height);
  const float x1 = std::clamp((box.x - static_cast<float>(lb.left)) * sx, 0.f, w);
  const float y1 = std::clamp((box.y - static_cast<float>(lb.top)) * sy, 0.f, h);
  const float x2 = std::clamp((box.x + box.width - static_cast<float>(lb.left)) * sx, 0.f, w);
  const float y2 = std::clamp((box.y + box.height - static_cast<float>(lb.top)) * sy, 0.f, h);
  return {x1, y1, x2 - x1, y2 - y1};
}

std::unique_ptr<Model> create(const ModelContext& ctx) { return std::make_unique<NanoDet>(ctx); }

}  // namespace zoobench::nanodet
