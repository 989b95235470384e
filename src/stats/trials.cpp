#include "zoobench/stats/trials.hpp"

#include <algorithm>
#include <cmath>

namespace zoobench::stats {

namespace {

double median_in_place(std::vector<double>& values) {
  const std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid), values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

Trials non_empty(const Trials& trials) {
  Trials kept;
  for (const auto& t : trials) {
    if (!t.empty()) kept.push_back(t);
  }
  return kept;
}

// The central 1 - alpha percentile interval of the replicates.
Interval percentile_interval(std::vector<double> replicates, double alpha = 0.05) {
  std::sort(replicates.begin(), replicates.end());
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(replicates.size() - 1) + 0.5);
    return replicates[std::min(i, replicates.size() - 1)];
  };
  return {at(alpha / 2), at(1 - alpha / 2)};
}

// One replicate of median_of_medians over the trials `picks` names, samples resampled within each.
double resampled_at(const Trials& trials, const std::vector<std::size_t>& picks, std::mt19937_64& rng) {
  std::vector<double> medians(picks.size());
  std::vector<double> resample;
  for (std::size_t k = 0; k < picks.size(); ++k) {
    const auto& trial = trials[picks[k]];
    std::uniform_int_distribution<std::size_t> pick(0, trial.size() - 1);
    resample.resize(trial.size());
    for (auto& v : resample) v = trial[pick(rng)];
    medians[k] = median_in_place(resample);
  }
  return median_in_place(medians);
}

}  // namespace

double median_of_medians(const Trials& trials) {
  std::vector<double> medians;
  for (const auto& t : trials) {
    if (!t.empty()) medians.push_back(median(t));
  }
  return medians.empty() ? 0 : median_in_place(medians);
}

double resampled_median_of_medians(const Trials& trials, std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> pick_trial(0, trials.size() - 1);
  std::vector<std::size_t> picks(trials.size());
  for (auto& p : picks) p = pick_trial(rng);
  return resampled_at(trials, picks, rng);
}

std::optional<Interval> bootstrap_ci95(const Trials& trials, std::uint64_t seed) {
  const Trials kept = non_empty(trials);
  if (kept.empty()) return std::nullopt;
  std::mt19937_64 rng(seed);
  std::vector<double> replicates(kBootstrapReplicates);
  for (auto& r : replicates) r = resampled_median_of_medians(kept, rng);
  return percentile_interval(std::move(replicates));
}

std::optional<Interval> bootstrap_paired_ratio_ci95(const Trials& numerator, const Trials& denominator,
                                                    std::uint64_t seed) {
  const bool pairable = numerator.size() == denominator.size() && !numerator.empty() &&
                        std::none_of(numerator.begin(), numerator.end(), [](const auto& t) { return t.empty(); }) &&
                        std::none_of(denominator.begin(), denominator.end(), [](const auto& t) { return t.empty(); });
  if (!pairable) return bootstrap_ratio_ci95(numerator, denominator, seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick_trial(0, numerator.size() - 1);
  std::vector<std::size_t> picks(numerator.size());
  std::vector<double> replicates;
  replicates.reserve(kBootstrapReplicates);
  for (int i = 0; i < kBootstrapReplicates; ++i) {
    for (auto& p : picks) p = pick_trial(rng);
    const double d = resampled_at(denominator, picks, rng);
    if (d <= 0) continue;
    const double ratio = resampled_at(numerator, picks, rng) / d;
    if (std::isfinite(ratio)) replicates.push_back(ratio);  // an inf or NaN would break the sort's ordering
  }
  if (replicates.empty()) return std::nullopt;
  return percentile_interval(std::move(replicates));
}

std::optional<Interval> bootstrap_ratio_ci95(const Trials& numerator, const Trials& denominator, std::uint64_t seed) {
  return bootstrap_ratio_interval(numerator, denominator, seed, 0.05);
}

std::optional<Interval> bootstrap_ratio_interval(const Trials& numerator, const Trials& denominator,
                                                 std::uint64_t seed, double alpha) {
  const Trials num = non_empty(numerator);
  const Trials den = non_empty(denominator);
  if (num.empty() || den.empty()) return std::nullopt;
  // Enough replicates that each tail holds about five of them, up to 20000: compare over more than 500 rows
  // lowers alpha below 1e-4, where the interval becomes the replicates' extremes (coverage about 1 - 1e-4,
  // short of the Bonferroni level; Welch's t, where it exists, widens the envelope).
  const int count = std::max(kBootstrapReplicates, static_cast<int>(std::min(std::ceil(10.0 / alpha), 20000.0)));
  std::mt19937_64 rng(seed);
  std::vector<double> replicates;
  replicates.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const double n = resampled_median_of_medians(num, rng);
    const double d = resampled_median_of_medians(den, rng);
    if (d > 0 && std::isfinite(n / d)) replicates.push_back(n / d);
  }
  if (replicates.empty()) return std::nullopt;
  return percentile_interval(std::move(replicates), alpha);
}

std::optional<bool> trials_disagree(const Trials& trials) {
  std::vector<Interval> intervals;
  for (const auto& t : trials) {
    if (const auto ci = median_ci95(t)) intervals.push_back(*ci);
  }
  if (intervals.size() < 2) return std::nullopt;
  double highest_low = intervals.front().low, lowest_high = intervals.front().high;
  for (const auto& i : intervals) {
    highest_low = std::max(highest_low, i.low);
    lowest_high = std::min(lowest_high, i.high);
  }
  if (highest_low <= lowest_high) return false;
  // Non-overlapping intervals of long runs can be a fraction of a percent apart: below a practical
  // floor such a difference is not worth a flag.
  std::vector<double> medians;
  for (const auto& t : trials) {
    if (!t.empty()) medians.push_back(median(t));
  }
  const auto [lo, hi] = std::minmax_element(medians.begin(), medians.end());
  const double centre = median(medians);
  return centre > 0 && (*hi - *lo) / centre > kUnstableMinSpread;
}

namespace {

std::vector<double> log_trial_medians(const Trials& trials) {
  std::vector<double> logs;
  for (const auto& t : trials) {
    if (t.empty()) continue;
    const double m = median(t);
    if (m <= 0) return {};
    logs.push_back(std::log(m));
  }
  return logs;
}

// exp(centre +- t * se): an interval on the original scale.
Interval exp_interval(double centre, double half) { return {std::exp(centre - half), std::exp(centre + half)}; }

std::optional<Interval> envelope(const std::optional<Interval>& a, const std::optional<Interval>& b) {
  if (!a) return b;
  if (!b) return a;
  return Interval{std::min(a->low, b->low), std::max(a->high, b->high)};
}

}  // namespace

double t975(int dof) {
  // Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom; the normal 1.96 beyond.
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof < 1) dof = 1;
  if (dof <= 30) return table[dof - 1];
  // Cornish-Fisher to second order, within 0.0002 of the exact quantile beyond 30 (t(31) = 2.0395).
  const double z = 1.959964, z3 = z * z * z, z5 = z3 * z * z, n = dof;
  return z + (z3 + z) / (4.0 * n) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n);
}

namespace {

// Continued fraction of the regularized incomplete beta function (Lentz's method).
double beta_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  d = 1 / (std::abs(d) < tiny ? tiny : d);
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    for (const double coefficient : {m * (b - m) * x / ((a + m2 - 1) * (a + m2)),
                                     -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))}) {
      d = 1 + coefficient * d;
      d = 1 / (std::abs(d) < tiny ? tiny : d);
      c = 1 + coefficient / c;
      if (std::abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (std::abs(d * c - 1) < 1e-14) break;
  }
  return h;
}

// I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                                b * std::log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_fraction(a, b, x) / a;
  return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

}  // namespace

double t_tail_two_sided(double t, int dof) {
  const double v = std::max(1, dof);
  return incomplete_beta(v / 2, 0.5, v / (v + t * t));
}

double t_two_sided(double alpha, int dof) {
  double lo = 0, hi = 1;
  while (t_tail_two_sided(hi, dof) > alpha && hi < 1e12) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (t_tail_two_sided(mid, dof) > alpha ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

std::optional<Interval> trial_t_ci95(const Trials& trials) {
  const std::vector<double> logs = log_trial_medians(trials);
  if (logs.size() < 2) return std::nullopt;
  const double n = static_cast<double>(logs.size());
  return exp_interval(mean(logs), t975(static_cast<int>(logs.size()) - 1) * stddev(logs) / std::sqrt(n));
}

std::optional<Interval> paired_ratio_t_ci95(const Trials& numerator, const Trials& denominator) {
  const std::vector<double> num = log_trial_medians(numerator);
  const std::vector<double> den = log_trial_medians(denominator);
  if (num.size() != den.size() || num.size() < 2) return std::nullopt;
  std::vector<double> diffs(num.size());
  for (std::size_t i = 0; i < num.size(); ++i) diffs[i] = num[i] - den[i];
  const double n = static_cast<double>(diffs.size());
  return exp_interval(mean(diffs), t975(static_cast<int>(diffs.size()) - 1) * stddev(diffs) / std::sqrt(n));
}

std::optional<Interval> welch_ratio_t_ci95(const Trials& numerator, const Trials& denominator) {
  return welch_ratio_t_interval(numerator, denominator, 0.05);
}

std::optional<Interval> welch_ratio_t_interval(const Trials& numerator, const Trials& denominator, double alpha) {
  const std::vector<double> a = log_trial_medians(numerator);
  const std::vector<double> b = log_trial_medians(denominator);
  if (a.size() < 2 || b.size() < 2) return std::nullopt;
  const double va = stddev(a) * stddev(a) / static_cast<double>(a.size());
  const double vb = stddev(b) * stddev(b) / static_cast<double>(b.size());
  const double se = std::sqrt(va + vb);
  // Welch-Satterthwaite degrees of freedom, rounded down (a wider interval when in doubt).
  const double dof = se == 0 ? 1.0
                             : (va + vb) * (va + vb) /
                                   (va * va / static_cast<double>(a.size() - 1) + vb * vb / static_cast<double>(b.size() - 1));
  if (!std::isfinite(se) || !std::isfinite(dof)) return std::nullopt;  // casting a NaN dof to int is undefined
  // The epsilon keeps a whole-number dof (equal spreads) from dropping by one through rounding noise.
  const int whole_dof = static_cast<int>(std::floor(dof + 1e-9));
  return exp_interval(mean(a) - mean(b), (alpha == 0.05 ? t975(whole_dof) : t_two_sided(alpha, whole_dof)) * se);
}

std::optional<Interval> median_interval(const Trials& trials, std::uint64_t seed) {
  return envelope(bootstrap_ci95(trials, seed), trial_t_ci95(trials));
}

std::optional<Interval> speedup_interval(const Trials& cpu, const Trials& accelerator, bool paired, std::uint64_t seed) {
  if (paired) {
    // Unequal trial counts (a failed trial) cannot be paired: Welch's t then, as for a baseline file.
    const std::optional<Interval> t = paired_ratio_t_ci95(cpu, accelerator);
    return envelope(bootstrap_paired_ratio_ci95(cpu, accelerator, seed), t ? t : welch_ratio_t_ci95(cpu, accelerator));
  }
  return ratio_interval(cpu, accelerator, seed);
}

std::optional<Interval> ratio_interval(const Trials& numerator, const Trials& denominator, std::uint64_t seed,
                                       double alpha) {
  return envelope(bootstrap_ratio_interval(numerator, denominator, seed, alpha),
                  welch_ratio_t_interval(numerator, denominator, alpha));
}

}  // namespace zoobench::stats
