#include "zoobench/stats/host_layer_times.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "zoobench/stats/stats.hpp"

namespace zoobench::profile {

HostLayerTimes summarise_host_forwards(const std::vector<HostForward>& forwards, std::size_t layer_count,
                                       double tolerance) {
  HostLayerTimes h;
  h.tolerance = tolerance;
  std::vector<std::vector<double>> per_layer(layer_count);
  std::vector<double> sums, walls, gaps, gaps_ms;
  for (const auto& f : forwards) {
    if (f.layer_ms.size() != layer_count || layer_count == 0) continue;
    for (std::size_t l = 0; l < layer_count; ++l) per_layer[l].push_back(f.layer_ms[l]);
    const double sum = std::accumulate(f.layer_ms.begin(), f.layer_ms.end(), 0.0);
    sums.push_back(sum);
    walls.push_back(f.wall_ms);
    gaps_ms.push_back(f.wall_ms - sum);
    gaps.push_back(f.wall_ms > 0 ? (f.wall_ms - sum) / f.wall_ms : 0.0);
  }
  h.forwards = sums.size();
  if (h.forwards == 0) {
    h.unavailable = forwards.empty() ? "no forward was timed"
                                     : fmt::format("getPerfProfile gave {} layer times, the net has {} layers",
                                                   forwards.front().layer_ms.size(), layer_count);
    return h;
  }
  for (const auto& samples : per_layer) h.layer_ms.push_back(stats::median(samples));
  h.sum_ms = stats::median(sums);
  h.wall_ms = stats::median(walls);
  h.relative_gap = stats::median(gaps);
  h.gap_ms = stats::median(gaps_ms);
  if (!(h.sum_ms > 0)) {
    h.unavailable = "getPerfProfile gave zero for every layer: this OpenCV does not time the layers on this backend";
    h.layer_ms.clear();
    return h;
  }
  h.within = std::abs(h.relative_gap) <= tolerance;
  return h;
}

std::vector<Segment> host_segments(const std::vector<LayerInfo>& layers, const std::vector<double>& layer_ms) {
  std::vector<Segment> out;
  const std::size_t n = std::min(layers.size(), layer_ms.size());
  double cumulative = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Segment s;
    s.first = s.last = i;
    s.ms = layer_ms[i];
    cumulative += layer_ms[i];
    s.cut_median_ms = cumulative;
    s.type = layers[i].type;
    if (layers[i].fallback) s.fallback_layers.push_back(layers[i].name);
    out.push_back(std::move(s));
  }
  return out;
}

double fallback_host_ms(const std::vector<LayerInfo>& layers, const std::vector<double>& layer_ms) {
  double sum = 0;
  for (std::size_t i = 0; i < layers.size() && i < layer_ms.size(); ++i) {
    if (layers[i].fallback) sum += layer_ms[i];
  }
  return sum;
}

}  // namespace zoobench::profile
