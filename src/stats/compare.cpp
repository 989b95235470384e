#include "zoobench/stats/compare.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <tuple>

#include "zoobench/stats/rank_test.hpp"
#include "zoobench/stats/trials.hpp"

namespace zoobench {

namespace {

// A benchmark is the same in both runs when model, files, precision, input size and pair match (the
// config file name and the model folder may differ between machines).
using RowKey = std::tuple<std::string, std::string, std::string, int, int, int>;

RowKey key_of(const BenchmarkRow& r) {
  return {r.model, r.file_list, r.precision, r.input_size.width, r.input_size.height, r.backend_target.index};
}

std::uint64_t seed_of(const RowKey& key) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a, so a report is the same every time it is made
  const std::string text = fmt::format("{}|{}|{}|{}x{}|{}", std::get<0>(key), std::get<1>(key), std::get<2>(key),
                                       std::get<3>(key), std::get<4>(key), std::get<5>(key));
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

stats::Trials total_trials(const BenchmarkRow& row, const ResultSet& set) {
  stats::Trials trials;
  for (auto i : row.record_indices) {
    const RunRecord& r = set.records[i];
    if (r.status == Status::Ok && !r.samples.total.empty()) trials.push_back(r.samples.total);
  }
  return trials;
}

// Every raw sample of every measured trial: what the rank test compares.
std::vector<double> pooled_samples(const BenchmarkRow& row, const ResultSet& set) {
  std::vector<double> all;
  for (const auto& trial : total_trials(row, set)) all.insert(all.end(), trial.begin(), trial.end());
  return all;
}

std::vector<double> scaled(std::vector<double> samples, double factor) {
  for (double& s : samples) s *= factor;
  return samples;
}

// --test mwu: NEW against BASE moved to the threshold on either side, at the Bonferroni level; the
// ratio alone says slower/faster/same when neither shift is significant.
ChangeVerdict judge_by_rank_test(RowChange& c, const std::vector<double>& next, const std::vector<double>& base,
                                 double threshold, double alpha) {
  const double centre = static_cast<double>(next.size()) * static_cast<double>(base.size()) / 2.0;
  const stats::RankTest above = stats::mann_whitney_u(next, scaled(base, 1.0 + threshold));
  const stats::RankTest below = stats::mann_whitney_u(next, scaled(base, 1.0 / (1.0 + threshold)));
  // The test is two-sided; its one-sided p for a direction is half its p when U lies on that side.
  c.p_slower_beyond = above.u > centre ? above.p / 2 : 1.0 - above.p / 2;
  c.p_faster_beyond = below.u < centre ? below.p / 2 : 1.0 - below.p / 2;
  if (above.p < alpha && above.u > centre) return ChangeVerdict::Regressed;
  if (below.p < alpha && below.u < centre) return ChangeVerdict::Improved;
  return judge_change(c.ratio, std::nullopt, threshold);
}

const RunRecord* first_measured(const BenchmarkRow& row, const ResultSet& set) {
  for (auto i : row.record_indices) {
    if (set.records[i].status == Status::Ok) return &set.records[i];
  }
  return nullptr;
}

std::string status_text(const BenchmarkRow& r) {
  return r.message.empty() ? status_name(r.status) : fmt::format("{}: {}", status_name(r.status), r.message);
}

std::optional<GeometricMean> geometric_mean(const std::string& scope, const std::vector<const RowChange*>& rows,
                                           double threshold) {
  std::vector<double> logs;
  for (const auto* r : rows) {
    if (r->ratio > 0) logs.push_back(std::log(r->ratio));
  }
  if (logs.empty()) return std::nullopt;
  GeometricMean g;
  g.scope = scope;
  g.rows = static_cast<int>(logs.size());
  const double centre = stats::mean(logs);
  g.ratio = std::exp(centre);
  if (logs.size() >= 2) {
    const double half = stats::t975(g.rows - 1) * stats::stddev(logs) / std::sqrt(static_cast<double>(g.rows));
    g.ci95 = stats::Interval{std::exp(centre - half), std::exp(centre + half)};
  }
  g.verdict = judge_change(g.ratio, g.ci95, threshold);
  return g;
}

void add_environment_notes(const Environment& base, const Environment& next, std::vector<std::string>& notes) {
  const auto differs = [&](const std::string& what, const std::string& a, const std::string& b) {
    if (a != b) notes.push_back(fmt::format("{} differs: BASE {}, NEW {}; the ratios include that change", what, a, b));
  };
  differs("the machine", fmt::format("{} ({}, {})", base.host, base.cpu, gpus_text(base)),
          fmt::format("{} ({}, {})", next.host, next.cpu, gpus_text(next)));
  differs("OpenCV", fmt::format("{} ({})", base.opencv_version, base.opencv_cuda),
          fmt::format("{} ({})", next.opencv_version, next.opencv_cuda));
  differs("OpenCV threads", std::to_string(base.opencv_threads), std::to_string(next.opencv_threads));
}

bool comparable(const BenchmarkRow& b, const BenchmarkRow& n) {
  return b.ok() && n.ok() && b.median > 0 && n.median > 0;
}

int count_comparable(const ResultSet& base, const ResultSet& next) {
  std::map<RowKey, const BenchmarkRow*> next_rows;
  for (const auto& r : next.rows) next_rows.emplace(key_of(r), &r);
  int count = 0;
  for (const auto& b : base.rows) {
    const auto it = next_rows.find(key_of(b));
    if (it != next_rows.end() && comparable(b, *it->second)) ++count;
  }
  return count;
}

}  // namespace

const char* verdict_name(ChangeVerdict verdict) {
  switch (verdict) {
    case ChangeVerdict::Same: return "same";
    case ChangeVerdict::Slower: return "slower (not significant)";
    case ChangeVerdict::Faster: return "faster (not significant)";
    case ChangeVerdict::Regressed: return "REGRESSED";
    case ChangeVerdict::Improved: return "improved";
  }
  return "?";
}

ChangeVerdict judge_change(double ratio, const std::optional<stats::Interval>& ci95, double threshold) {
  const double up = 1.0 + threshold, down = 1.0 / (1.0 + threshold);
  // Significant beyond the threshold: the whole interval lies past it, not just the point estimate.
  if (ci95 && ci95->low > up) return ChangeVerdict::Regressed;
  if (ci95 && ci95->high < down) return ChangeVerdict::Improved;
  if (ratio > up) return ChangeVerdict::Slower;
  if (ratio < down) return ChangeVerdict::Faster;
  return ChangeVerdict::Same;
}

bool RunComparison::regressed() const {
  for (const auto& r : rows) {
    if (r.verdict == ChangeVerdict::Regressed) return true;
  }
  return !summaries.empty() && summaries.back().verdict == ChangeVerdict::Regressed;
}

int RunComparison::inconclusive() const {
  int count = 0;
  for (const auto& r : rows) count += r.ci95 && r.ci95->low < 1.0 && r.ci95->high > 1.0 + threshold;
  return count;
}

RunComparison compare_runs(const ResultSet& base, const ResultSet& next, double threshold,
                           ToleranceLookup tolerance_for, CompareTest test) {
  RunComparison out;
  out.threshold = threshold;
  out.test = test;
  add_environment_notes(base.environment, next.environment, out.notes);

  // "Exit non-zero if any row regressed" asks many questions at once: with 95% intervals per row, 50
  // rows of two identical runs would raise a false alarm most of the time. Bonferroni makes the
  // intervals simultaneous: all of them hold together with 95% confidence.
  out.compared = count_comparable(base, next);
  const double alpha = 0.05 / std::max(1, out.compared);
  out.alpha = alpha;

  std::map<RowKey, const BenchmarkRow*> next_rows;
  for (const auto& r : next.rows) next_rows.emplace(key_of(r), &r);
  std::map<RowKey, bool> matched;
  for (const auto& b : base.rows) {
    const RowKey key = key_of(b);
    const auto it = next_rows.find(key);
    if (it == next_rows.end()) {
      out.unmatched.push_back({&b, "only in BASE"});
      continue;
    }
    matched[key] = true;
    const BenchmarkRow& n = *it->second;
    if (!comparable(b, n)) {
      if (b.ok() && !n.ok()) out.unmatched.push_back({&n, "not measured in NEW: " + status_text(n)});
      else if (!b.ok() && n.ok()) out.unmatched.push_back({&n, "not measured in BASE: " + status_text(b)});
      // Not measured in either: nothing changed that a ratio could show; the reports list such rows.
      continue;
    }
    RowChange c;
    c.base = &b;
    c.next = &n;
    c.ratio = n.median / b.median;
    c.ci95 = stats::ratio_interval(total_trials(n, next), total_trials(b, base), seed_of(key), alpha);
    c.verdict = test == CompareTest::MannWhitney
                    ? judge_by_rank_test(c, pooled_samples(n, next), pooled_samples(b, base), threshold, alpha)
                    : judge_change(c.ratio, c.ci95, threshold);
    c.placement_changed = b.placement.state != n.placement.state;
    c.answer_check_changed = b.agreement.has_value() && n.agreement.has_value() &&
                             (b.answer_differs() != n.answer_differs() ||
                              b.agreement->compared != n.agreement->compared);
    const RunRecord* rb = first_measured(b, base);
    const RunRecord* rn = first_measured(n, next);
    if (rb != nullptr && rn != nullptr && (!rb->answers.empty() || !rn->answers.empty())) {
      c.answers_vs_base = compare_answers(rb->answers, rn->answers, tolerance_for(b.model));
    }
    out.rows.push_back(c);
  }
  for (const auto& n : next.rows) {
    if (matched.count(key_of(n)) == 0) out.unmatched.push_back({&n, "only in NEW"});
  }

  std::map<int, std::vector<const RowChange*>> by_pair;
  std::vector<const RowChange*> all;
  for (const auto& r : out.rows) {
    by_pair[r.base->backend_target.index].push_back(&r);
    all.push_back(&r);
  }
  for (const auto& [index, rows] : by_pair) {
    if (auto g = geometric_mean(rows.front()->base->backend_target.name, rows, threshold)) out.summaries.push_back(*g);
  }
  if (by_pair.size() > 1) {
    if (auto g = geometric_mean("all rows", all, threshold)) out.summaries.push_back(*g);
  }
  return out;
}

}  // namespace zoobench
