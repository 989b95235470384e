#include "zoobench/stats/layer_profile.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "zoobench/stats/stats.hpp"

namespace zoobench::profile {

std::vector<std::size_t> choose_cut_points(std::size_t layer_count, const std::vector<std::size_t>& must_cut,
                                           std::size_t max_cuts) {
  if (layer_count == 0) return {};
  std::set<std::size_t> cuts;
  if (max_cuts == 0 || layer_count <= max_cuts) {
    for (std::size_t i = 0; i < layer_count; ++i) cuts.insert(i);
  } else {
    for (std::size_t i : must_cut) {
      if (i < layer_count) cuts.insert(i);
    }
    // The rest of the budget spread evenly; ceil so that the last group is never the largest.
    const std::size_t budget = max_cuts > cuts.size() + 1 ? max_cuts - cuts.size() : 1;
    const std::size_t stride = (layer_count + budget - 1) / budget;
    for (std::size_t i = stride - 1; i < layer_count; i += stride) cuts.insert(i);
  }
  cuts.insert(layer_count - 1);
  return {cuts.begin(), cuts.end()};
}

std::vector<std::size_t> fallback_neighbourhood(const std::vector<LayerInfo>& layers) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!layers[i].fallback) continue;
    if (i > 0) cuts.push_back(i - 1);
    cuts.push_back(i);
    if (i + 1 < layers.size()) cuts.push_back(i + 1);
  }
  return cuts;
}

namespace {

std::string type_label(const std::vector<LayerInfo>& layers, std::size_t first, std::size_t last) {
  std::vector<std::string> types;
  for (std::size_t i = first; i <= last && i < layers.size(); ++i) {
    if (std::find(types.begin(), types.end(), layers[i].type) == types.end()) types.push_back(layers[i].type);
  }
  std::sort(types.begin(), types.end());
  std::string label;
  for (const auto& t : types) label += (label.empty() ? "" : "+") + t;
  return label;
}

}  // namespace

const char* estimator_name(Estimator e) { return e == Estimator::Min ? "min" : "median"; }

double estimate(const std::vector<double>& samples_ms, Estimator e) {
  return e == Estimator::Min ? stats::min(samples_ms) : stats::median(samples_ms);
}

std::vector<Segment> segments_from_cuts(const std::vector<LayerInfo>& layers, const std::vector<CutTiming>& cuts,
                                        Estimator estimator) {
  std::vector<Segment> segments;
  double previous = 0;
  std::size_t first = 0;
  for (const auto& cut : cuts) {
    if (cut.samples_ms.empty() || cut.layer < first || cut.layer >= layers.size()) continue;
    Segment s;
    s.first = first;
    s.last = cut.layer;
    s.cut_median_ms = estimate(cut.samples_ms, estimator);
    s.cut_spread_ms = stats::percentile(cut.samples_ms, 75) - stats::percentile(cut.samples_ms, 25);
    s.ms = s.cut_median_ms - previous;
    s.type = type_label(layers, s.first, s.last);
    for (std::size_t i = s.first; i <= s.last; ++i) {
      if (layers[i].fallback) s.fallback_layers.push_back(layers[i].name);
    }
    segments.push_back(std::move(s));
    previous = segments.back().cut_median_ms;
    first = cut.layer + 1;
  }
  return segments;
}

double segments_sum(const std::vector<Segment>& segments) {
  return std::accumulate(segments.begin(), segments.end(), 0.0,
                         [](double sum, const Segment& s) { return sum + s.ms; });
}

std::vector<TypeTime> time_by_type(const std::vector<Segment>& segments) {
  std::map<std::string, TypeTime> by_type;
  for (const auto& s : segments) {
    TypeTime& t = by_type[s.type];
    t.type = s.type;
    t.ms += s.ms;
    t.layers += s.layer_count();
  }
  const double total = segments_sum(segments);
  std::vector<TypeTime> out;
  for (auto& [type, t] : by_type) {
    t.share = total > 0 ? t.ms / total : 0;
    out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(), [](const TypeTime& a, const TypeTime& b) { return a.ms > b.ms; });
  return out;
}

std::vector<std::size_t> costliest(const std::vector<Segment>& segments, std::size_t n) {
  std::vector<std::size_t> order(segments.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return segments[a].ms > segments[b].ms; });
  if (order.size() > n) order.resize(n);
  return order;
}

std::vector<FallbackCost> fallback_costs(const std::vector<Segment>& segments) {
  std::vector<FallbackCost> out;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& s = segments[i];
    if (s.fallback_layers.size() != 1 || s.layer_count() != 1) continue;
    FallbackCost c;
    c.layer = s.fallback_layers.front();
    c.own_ms = s.ms;
    // Between two CPU layers in a row nothing goes back to the GPU: the next segment is then the next
    // fallback layer's own work, counted there. Only the last of such a run pays the upload.
    const bool next_is_fallback = i + 1 < segments.size() && !segments[i + 1].fallback_layers.empty() &&
                                  segments[i + 1].fallback_layers.size() == segments[i + 1].layer_count();
    c.next_ms = i + 1 < segments.size() && !next_is_fallback ? segments[i + 1].ms : 0;
    c.with_copies_ms = c.own_ms + c.next_ms;
    out.push_back(c);
  }
  return out;
}

SumCheck check_sum(const std::vector<Segment>& segments, double whole_forward_ms, double tolerance) {
  SumCheck c;
  c.sum_ms = segments_sum(segments);
  c.whole_ms = whole_forward_ms;
  c.tolerance = tolerance;
  c.relative_error = whole_forward_ms > 0 ? std::abs(c.sum_ms - whole_forward_ms) / whole_forward_ms : 0;
  c.within = whole_forward_ms > 0 && c.relative_error <= tolerance;
  return c;
}

namespace {

// Ranks from 1, ties sharing their average rank.
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = average;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
}

double top_share(const std::vector<double>& values, std::size_t n, std::vector<std::size_t>& top) {
  top.resize(values.size());
  std::iota(top.begin(), top.end(), 0);
  std::stable_sort(top.begin(), top.end(), [&](std::size_t x, std::size_t y) { return values[x] > values[y]; });
  if (top.size() > n) top.resize(n);
  double total = 0, in_top = 0;
  for (double v : values) total += std::max(v, 0.0);
  for (std::size_t i : top) in_top += std::max(values[i], 0.0);
  return total > 0 ? in_top / total : 0;
}

}  // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) return 0;
  return pearson(ranks(a), ranks(b));
}

Validation validate_against(const std::vector<Segment>& segments, const std::vector<double>& reference_ms,
                            std::size_t top_n) {
  Validation v;
  std::vector<double> method, reference;
  for (const auto& s : segments) {
    if (s.last >= reference_ms.size()) continue;
    method.push_back(s.ms);
    reference.push_back(std::accumulate(reference_ms.begin() + static_cast<std::ptrdiff_t>(s.first),
                                        reference_ms.begin() + static_cast<std::ptrdiff_t>(s.last) + 1, 0.0));
  }
  v.segments = method.size();
  v.rank_correlation = spearman(method, reference);
  v.top_n = std::min(top_n, method.size());
  std::vector<std::size_t> top_method, top_reference;
  v.top_share_method = top_share(method, v.top_n, top_method);
  v.top_share_reference = top_share(reference, v.top_n, top_reference);
  for (std::size_t i : top_method) {
    if (std::find(top_reference.begin(), top_reference.end(), i) != top_reference.end()) ++v.top_overlap;
  }
  v.method_total_ms = std::accumulate(method.begin(), method.end(), 0.0);
  v.reference_total_ms = std::accumulate(reference.begin(), reference.end(), 0.0);
  return v;
}

bool meets_validation_tolerance(const Validation& v) {
  return v.top_n > 0 && v.rank_correlation >= kValidationMinRankCorrelation &&
         static_cast<double>(v.top_overlap) >= kValidationMinTopOverlap * static_cast<double>(v.top_n) &&
         std::abs(v.top_share_method - v.top_share_reference) <= kValidationMaxTopShareGap;
}

std::uint64_t busy_ns(std::vector<GpuInterval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const GpuInterval& a, const GpuInterval& b) { return a.start_ns < b.start_ns; });
  std::uint64_t total = 0, open_start = 0, open_end = 0;
  bool open = false;
  for (const auto& iv : intervals) {
    if (iv.end_ns <= iv.start_ns) continue;
    if (open && iv.start_ns <= open_end) {
      open_end = std::max(open_end, iv.end_ns);
      continue;
    }
    if (open) total += open_end - open_start;
    open = true;
    open_start = iv.start_ns;
    open_end = iv.end_ns;
  }
  if (open) total += open_end - open_start;
  return total;
}

GpuBusySummary summarise_gpu(const std::vector<GpuForward>& forwards) {
  GpuBusySummary s;
  s.forwards = forwards.size();
  if (forwards.empty()) return s;
  auto med = [&](auto field) {
    std::vector<double> v;
    for (const auto& f : forwards) v.push_back(field(f));
    return stats::median(v);
  };
  s.kernels = med([](const GpuForward& f) { return static_cast<double>(f.kernels); });
  s.copies = med([](const GpuForward& f) { return static_cast<double>(f.copies); });
  s.copies_to_device = med([](const GpuForward& f) { return static_cast<double>(f.copies_to_device); });
  s.copies_to_host = med([](const GpuForward& f) { return static_cast<double>(f.copies_to_host); });
  s.memsets = med([](const GpuForward& f) { return static_cast<double>(f.memsets); });
  s.busy_ms = med([](const GpuForward& f) { return f.busy_ms; });
  s.wall_ms = med([](const GpuForward& f) { return f.wall_ms; });
  s.busy_share = med([](const GpuForward& f) { return f.wall_ms > 0 ? f.busy_ms / f.wall_ms : 0.0; });
  s.launch_bound = s.busy_share < kLaunchBoundShare;
  for (const auto& f : forwards) {
    for (const auto& [kind, n] : f.records_by_kind) s.records_by_kind[kind] += n;
    s.dropped += f.dropped;
  }
  return s;
}

}  // namespace zoobench::profile
