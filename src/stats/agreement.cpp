#include "zoobench/stats/agreement.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <queue>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <numeric>

namespace zoobench {

namespace {

using Answers = std::vector<ModelResult>;

// One kind of answer compared over all items: its part of the summary and its verdict.
struct Part {
  std::string text;
  bool differs = false;
};

std::string join(const std::vector<std::string>& pieces, const char* separator) {
  std::string out;
  for (const auto& p : pieces) out += (out.empty() ? "" : separator) + p;
  return out;
}

// True when some item on either side holds this kind of answer.
bool any_side(const Answers& a, const Answers& b, std::size_t n, const std::function<bool(const ModelResult&)>& has) {
  for (std::size_t i = 0; i < n; ++i) {
    if (has(a[i]) || has(b[i])) return true;
  }
  return false;
}

// ---- Text ----

// UTF-8 -> code points. A byte that starts no valid sequence stands for itself (mapped into the lone
// surrogate range, which no real character uses), so broken output still compares byte by byte.
std::vector<char32_t> code_points(const std::string& text) {
  std::vector<char32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    char32_t cp = length == 1 ? lead : length == 2 ? lead & 0x1Fu : length == 3 ? lead & 0x0Fu : lead & 0x07u;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    if (!valid) {
      out.push_back(0xDC00u + lead);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

// A text for a table cell: quoted, cut at a code-point boundary when long.
std::string shown(const std::string& text) {
  constexpr std::size_t kMaxShown = 24;
  std::size_t end = 0;
  for (std::size_t count = 0; end < text.size() && count < kMaxShown; ++count) {
    ++end;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  }
  return "'" + text.substr(0, end) + (end < text.size() ? "...'" : "'");
}

Part compare_texts(const Answers& ref, const Answers& cand, std::size_t n, const AnswerTolerance& tol,
                   Agreement& out) {
  std::size_t pairs = 0, equal = 0, ref_count = 0, cand_count = 0;
  double worst = -1;
  const std::string* worst_ref = nullptr;
  const std::string* worst_cand = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = ref[i].texts;
    const auto& c = cand[i].texts;
    ref_count += r.size();
    cand_count += c.size();
    for (std::size_t k = 0; k < std::max(r.size(), c.size()); ++k, ++pairs) {
      const bool both = k < r.size() && k < c.size();
      // A text that one side lacks is a different answer, whatever it says.
      const double d = both ? normalised_edit_distance(r[k], c[k]) : 1.0;
      if (both && r[k] == c[k]) ++equal;
      if (d > worst) {
        worst = d;
        worst_ref = both ? &r[k] : nullptr;
        worst_cand = both ? &c[k] : nullptr;
      }
    }
  }
  out.text_exact = pairs == 0 ? 1.0 : static_cast<double>(equal) / static_cast<double>(pairs);
  out.text_distance = worst;
  Part part;
  part.differs = worst > tol.max_text_distance;
  if (equal == pairs) {
    part.text = pairs == 1 ? "text same" : fmt::format("{}/{} texts same", equal, pairs);
    return part;
  }
  std::vector<std::string> pieces;
  if (cand_count != ref_count) pieces.push_back(fmt::format("{} vs {} texts", cand_count, ref_count));
  if (pairs > 1) pieces.push_back(fmt::format("{}/{} texts same", equal, pairs));
  if (worst_ref != nullptr && *worst_ref != *worst_cand) {
    pieces.push_back(fmt::format("text {} vs {} ({:.2f})", shown(*worst_cand), shown(*worst_ref), worst));
  }
  part.text = join(pieces, ", ");
  return part;
}

// ---- Detections ----

double box_iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const cv::Rect2d x(a.x, a.y, a.width, a.height);
  const cv::Rect2d y(b.x, b.y, b.width, b.height);
  const double inter = (x & y).area();
  const double uni = x.area() + y.area() - inter;
  if (!(uni > 0)) return x == y ? 1.0 : 0.0;  // degenerate boxes: the same point or line
  return inter / uni;
}

struct DetectionTally {
  std::size_t reference = 0, candidate = 0, matched = 0;
  double iou_sum = 0;
  std::optional<double> max_px;  // over matched pairs with the same number of points
};

void add_displacement(const Detection& r, const Detection& c, DetectionTally& tally) {
  if (r.points.empty() || r.points.size() != c.points.size()) return;
  double worst = tally.max_px.value_or(0);
  for (std::size_t k = 0; k < r.points.size(); ++k) {
    worst = std::max(worst, std::hypot(double{r.points[k].x} - c.points[k].x, double{r.points[k].y} - c.points[k].y));
  }
  tally.max_px = worst;
}

// Greedy matching of one item: pairs of the same class at IoU >= match_iou, best IoU first (ties: reference
// order, then candidate order), each detection used once. Lazily, so that stacked boxes (an edited file, a
// detector without NMS) need O(n + m) memory, not n*m pairs: each reference box keeps its best kBatch unused
// overlaps in order and rescans only when all are taken (the worst case stays about n*m^2/kBatch box
// comparisons), and a queue holds each box's current best.
void match_item(const std::vector<Detection>& ref, const std::vector<Detection>& cand, double match_iou,
                DetectionTally& tally) {
  constexpr std::size_t kBatch = 32;
  struct Pair {
    double iou;
    std::size_t r, c;
  };
  const auto comes_before = [](const Pair& a, const Pair& b) {  // the matching order
    if (a.iou != b.iou) return a.iou > b.iou;
    return a.r != b.r ? a.r < b.r : a.c < b.c;
  };
  std::vector<bool> cand_used(cand.size());
  std::vector<std::vector<Pair>> batch(ref.size());  // per reference box, best first, consumed from the back
  std::vector<Pair> scan;                             // one scan's overlaps, shared: batches hold kBatch at most
  const auto refill = [&](std::size_t r) {
    scan.clear();
    for (std::size_t c = 0; c < cand.size(); ++c) {
      if (cand_used[c] || ref[r].class_id != cand[c].class_id) continue;
      const double iou = box_iou(ref[r].box, cand[c].box);
      if (iou >= match_iou) scan.push_back({iou, r, c});
    }
    const auto keep = static_cast<std::ptrdiff_t>(std::min(kBatch, scan.size()));
    std::partial_sort(scan.begin(), scan.begin() + keep, scan.end(), comes_before);
    batch[r].assign(std::make_reverse_iterator(scan.begin() + keep), std::make_reverse_iterator(scan.begin()));
  };
  // The reference box's best unused candidate, rescanning when its batch is used up; false when none is left.
  const auto next_best = [&](std::size_t r) {
    while (!batch[r].empty() && cand_used[batch[r].back().c]) batch[r].pop_back();
    if (batch[r].empty()) refill(r);
    return !batch[r].empty();
  };
  const auto comes_after = [&](const Pair& a, const Pair& b) { return comes_before(b, a); };
  std::priority_queue<Pair, std::vector<Pair>, decltype(comes_after)> heads(comes_after);
  for (std::size_t r = 0; r < ref.size(); ++r) {
    if (next_best(r)) heads.push(batch[r].back());
  }
  while (!heads.empty()) {
    const Pair h = heads.top();
    heads.pop();
    if (cand_used[h.c]) {  // taken since: this reference box falls back to its next best
      if (next_best(h.r)) heads.push(batch[h.r].back());
      continue;
    }
    cand_used[h.c] = true;
    std::vector<Pair>().swap(batch[h.r]);  // matched: its batch is not needed again
    ++tally.matched;
    tally.iou_sum += h.iou;
    add_displacement(ref[h.r], cand[h.c], tally);
  }
  tally.reference += ref.size();
  tally.candidate += cand.size();
}

Part compare_detections(const Answers& ref, const Answers& cand, std::size_t n, const AnswerTolerance& tol,
                        Agreement& out) {
  DetectionTally t;
  for (std::size_t i = 0; i < n; ++i) match_item(ref[i].detections, cand[i].detections, tol.match_iou, t);
  const auto share = [](std::size_t part, std::size_t whole) {
    return whole == 0 ? 1.0 : static_cast<double>(part) / static_cast<double>(whole);
  };
  const double recall = share(t.matched, t.reference);
  const double precision = share(t.matched, t.candidate);
  out.recall = recall;
  out.precision = precision;
  if (t.matched > 0) out.mean_iou = t.iou_sum / static_cast<double>(t.matched);
  out.max_landmark_px = t.max_px;

  Part part;
  const bool points_moved = t.max_px && *t.max_px > tol.max_landmark_px;
  part.differs = recall < tol.min_recall || precision < tol.min_precision || points_moved;
  if (t.matched == t.reference && t.matched == t.candidate) {
    part.text = fmt::format("{}/{} boxes, IoU {:.2f}", t.matched, t.reference, out.mean_iou.value_or(1.0));
  } else if (t.candidate != t.reference) {
    part.text = fmt::format("{} vs {} boxes (recall {:.2f}, precision {:.2f})", t.candidate, t.reference, recall,
                            precision);
  } else {
    part.text = fmt::format("{}/{} boxes matched (recall {:.2f}, precision {:.2f})", t.matched, t.reference, recall,
                            precision);
  }
  if (t.max_px) part.text += fmt::format(", points moved {:.1f} px", *t.max_px);
  return part;
}

// ---- Classes ----

// The same set of the first min(5, n) class ids (n: the shorter list); both empty counts as same.
bool same_top5(const std::vector<ClassScore>& a, const std::vector<ClassScore>& b) {
  if (a.empty() != b.empty()) return false;
  const std::size_t k = std::min<std::size_t>({5, a.size(), b.size()});
  std::vector<int> x, y;
  for (std::size_t i = 0; i < k; ++i) {
    x.push_back(a[i].class_id);
    y.push_back(b[i].class_id);
  }
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

bool same_top1(const std::vector<ClassScore>& a, const std::vector<ClassScore>& b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  return a.front().class_id == b.front().class_id;
}

std::string class_text(const std::vector<ClassScore>& classes) {
  return classes.empty() ? std::string("none") : std::to_string(classes.front().class_id);
}

Part compare_classes(const Answers& ref, const Answers& cand, std::size_t n, const AnswerTolerance& tol,
                     Agreement& out) {
  std::size_t top1_differ = 0, top5_differ = 0;
  std::size_t first_differ = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (!same_top1(ref[i].classes, cand[i].classes)) {
      ++top1_differ;
      first_differ = std::min(first_differ, i);
    }
    if (!same_top5(ref[i].classes, cand[i].classes)) ++top5_differ;
  }
  out.top1_same = top1_differ == 0;
  out.top5_same = top5_differ == 0;
  Part part;
  part.differs = top1_differ > 0 || (tol.require_top5 && top5_differ > 0);
  if (top1_differ == 0) {
    part.text = top5_differ == 0 ? "top-1 same" : fmt::format("top-1 same, top-5 differs on {}/{}", top5_differ, n);
  } else if (n == 1) {
    part.text = fmt::format("top-1 class {} vs {}", class_text(cand[0].classes), class_text(ref[0].classes));
  } else {
    part.text = fmt::format("top-1 differs on {}/{} (first: class {} vs {})", top1_differ, n,
                            class_text(cand[first_differ].classes), class_text(ref[first_differ].classes));
  }
  return part;
}

// ---- Masks and features ----

// IoU of the non-zero values; an empty Mat has none. nullopt when both are non-empty and differ in size.
std::optional<double> mask_iou(const cv::Mat& a, const cv::Mat& b) {
  if (!a.empty() && !b.empty() && (a.size() != b.size() || a.channels() != b.channels())) return std::nullopt;
  const cv::Mat& shape = a.empty() ? b : a;
  const auto nonzero = [&](const cv::Mat& m) {
    return m.empty() ? cv::Mat(cv::Mat::zeros(shape.rows, shape.cols * shape.channels(), CV_8U))
                     : cv::Mat(m.reshape(1) != 0);
  };
  const cv::Mat x = nonzero(a), y = nonzero(b);
  const int uni = cv::countNonZero(x | y);
  return uni == 0 ? 1.0 : cv::countNonZero(x & y) / static_cast<double>(uni);
}

Part compare_masks(const Answers& ref, const Answers& cand, std::size_t n, const AnswerTolerance& tol,
                   Agreement& out) {
  double lowest = 1;
  std::string mismatch;
  int compared = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const cv::Mat& r = ref[i].mask;
    const cv::Mat& c = cand[i].mask;
    // A side without a mask has nothing to compare (results files keep masks as class counts only);
    // a lost person shows in the detections.
    if (r.empty() || c.empty()) continue;
    ++compared;
    const std::optional<double> iou = mask_iou(r, c);
    // Masks of different sizes have no pixels in common: the worst IoU.
    if (!iou && mismatch.empty()) {
      mismatch = fmt::format("mask sizes differ ({}x{} vs {}x{})", c.cols, c.rows, r.cols, r.rows);
    }
    lowest = std::min(lowest, iou.value_or(0.0));
  }
  if (compared == 0) return {};  // no text: nothing is added to the summary
  out.mask_iou = lowest;
  Part part;
  part.differs = lowest < tol.min_mask_iou;
  part.text = mismatch.empty() ? fmt::format("mask IoU {:.2f}", lowest) : mismatch;
  return part;
}

// Cosine similarity of two vectors of equal length; nullopt when the lengths differ or one is empty.
// Two zero vectors are the same answer (1), a zero against a non-zero vector shares nothing (0).
std::optional<double> cosine(const cv::Mat& a, const cv::Mat& b) {
  if (a.empty() || b.empty() || a.total() * a.channels() != b.total() * b.channels()) return std::nullopt;
  cv::Mat x, y;
  a.convertTo(x, CV_64F);
  b.convertTo(y, CV_64F);
  x = x.reshape(1, 1);
  y = y.reshape(1, 1);
  const double nx = cv::norm(x), ny = cv::norm(y);
  if (nx == 0 || ny == 0) return nx == ny ? 1.0 : 0.0;
  return x.dot(y) / (nx * ny);
}

Part compare_features(const Answers& ref, const Answers& cand, std::size_t n, const AnswerTolerance& tol,
                      Agreement& out) {
  double lowest = 1;
  std::string mismatch;
  for (std::size_t i = 0; i < n; ++i) {
    const cv::Mat& r = ref[i].feature;
    const cv::Mat& c = cand[i].feature;
    if (r.empty() && c.empty()) continue;
    const std::optional<double> cos = cosine(r, c);
    // Vectors of different lengths are not comparable: counted as orthogonal.
    if (!cos && mismatch.empty()) {
      mismatch = fmt::format("feature sizes differ ({} vs {})", c.total(), r.total());
    }
    lowest = std::min(lowest, cos.value_or(0.0));
  }
  out.cosine = lowest;
  Part part;
  part.differs = lowest < tol.min_cosine;
  part.text = mismatch.empty() ? fmt::format("cos {:.4f}", lowest) : mismatch;
  return part;
}

// ---- Tracking ----

Part compare_tracking(const Answers& ref, const Answers& cand, std::size_t n, const AnswerTolerance& tol,
                      Agreement& out) {
  double sum = 0, lowest = 1;
  std::size_t ref_lost = 0, cand_lost = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = ref[i].detections;
    const auto& c = cand[i].detections;
    ref_lost += r.empty() ? 1 : 0;
    cand_lost += c.empty() ? 1 : 0;
    // Lost on both sides is the same answer; lost on one side only shares nothing.
    const double iou = r.empty() || c.empty() ? (r.empty() && c.empty() ? 1.0 : 0.0) : box_iou(r[0].box, c[0].box);
    sum += iou;
    lowest = std::min(lowest, iou);
  }
  const double mean = sum / static_cast<double>(n);
  out.track_iou_mean = mean;
  out.track_iou_min = lowest;
  Part part;
  part.differs = mean < tol.min_track_iou;
  part.text = fmt::format("track IoU mean {:.2f} min {:.2f}", mean, lowest);
  if (ref_lost != cand_lost) part.text += fmt::format(", lost {} vs {} frames", cand_lost, ref_lost);
  return part;
}

// ---- Raw outputs ----

bool same_layout(const cv::Mat& a, const cv::Mat& b) {
  return a.type() == b.type() && a.dims == b.dims && std::equal(a.size.p, a.size.p + a.dims, b.size.p);
}

// |x - y| where equal NaNs (and equal infinities) count as equal and a NaN against a number as
// infinitely far: a backend that produces NaN must not look like a perfect match.
double abs_diff(double x, double y) {
  if (x == y || (std::isnan(x) && std::isnan(y))) return 0;
  const double d = std::abs(x - y);
  return std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
}

}  // namespace

double normalised_edit_distance(const std::string& a, const std::string& b) {
  const std::vector<char32_t> x = code_points(a);
  const std::vector<char32_t> y = code_points(b);
  const std::size_t longest = std::max(x.size(), y.size());
  if (longest == 0) return 0;
  // Levenshtein distance with one row: row[j] = distance between x[0, i) and y[0, j).
  std::vector<std::size_t> row(y.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= x.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return static_cast<double>(row[y.size()]) / static_cast<double>(longest);
}

std::optional<double> max_abs_diff(const std::vector<cv::Mat>& a, const std::vector<cv::Mat>& b) {
  if (a.empty() || a.size() != b.size()) return std::nullopt;
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_layout(a[i], b[i])) return std::nullopt;
    if (a[i].empty()) continue;
    cv::Mat x, y;  // continuous copies, whatever the source's depth and strides
    a[i].convertTo(x, CV_64F);
    b[i].convertTo(y, CV_64F);
    const double* px = x.ptr<double>();
    const double* py = y.ptr<double>();
    const std::size_t count = x.total() * static_cast<std::size_t>(x.channels());
    for (std::size_t k = 0; k < count; ++k) worst = std::max(worst, abs_diff(px[k], py[k]));
  }
  return worst;
}

Agreement compare_answers(const std::vector<ModelResult>& reference, const std::vector<ModelResult>& candidate,
                          const AnswerTolerance& tolerance) {
  Agreement out;
  if (reference.empty() || candidate.empty()) return out;
  if (reference.size() != candidate.size()) {
    // Different inputs (another data set, or a run cut short): comparing item by item would pair
    // answers to different images.
    out.summary = fmt::format("not compared: answers for {} inputs here, {} for the CPU", candidate.size(),
                              reference.size());
    return out;
  }
  const std::size_t n = reference.size();
  out.compared = true;
  using Compare = Part (*)(const Answers&, const Answers&, std::size_t, const AnswerTolerance&, Agreement&);
  struct Kind {
    bool (*has)(const ModelResult&);
    Compare compare;
  };
  // In summary order; a family may fill several (PP-OCR: text boxes and texts; MPPose: landmarks and mask).
  static const Kind kinds[] = {
      {[](const ModelResult& r) { return !r.detections.empty(); }, compare_detections},
      {[](const ModelResult& r) { return !r.classes.empty(); }, compare_classes},
      {[](const ModelResult& r) { return !r.texts.empty(); }, compare_texts},
      {[](const ModelResult& r) { return !r.mask.empty(); }, compare_masks},
      {[](const ModelResult& r) { return !r.feature.empty(); }, compare_features},
  };
  std::vector<std::string> pieces;
  bool anything = false;  // some kind of answer was present on both sides, or found on neither
  auto add = [&](const Part& part) {
    out.differs = out.differs || part.differs;
    if (!part.text.empty()) pieces.push_back(part.text);
    anything = anything || !part.text.empty();
  };
  if (tolerance.tracking) {
    // One box per frame: compared frame by frame, not matched as detections.
    add(compare_tracking(reference, candidate, n, tolerance, out));
  } else {
    for (const Kind& kind : kinds) {
      if (any_side(reference, candidate, n, kind.has)) add(kind.compare(reference, candidate, n, tolerance, out));
    }
  }
  const bool found_any = std::any_of(reference.begin(), reference.end(), [](const ModelResult& r) {
    return !r.detections.empty() || !r.classes.empty() || !r.texts.empty() || !r.mask.empty() || !r.feature.empty();
  });
  if (!anything && found_any) {
    // Answers existed but none could be compared (a mask against a results file's class counts).
    out.compared = false;
    out.summary = "not compared: the answers hold nothing both sides can be compared on";
    return out;
  }
  out.vacuous = pieces.empty();
  out.summary = out.vacuous ? "nothing found on either side" : join(pieces, "; ");
  return out;
}

}  // namespace zoobench
