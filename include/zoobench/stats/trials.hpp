#pragma once
// Statistics over repeated trials of one benchmark. A confidence interval from the samples of one run
// describes that run only (on the H200 the same build gave disjoint within-run intervals in two runs),
// so the headline is the median of the trial medians and its interval comes from a two-level
// bootstrap: trials resampled with replacement, then samples within each trial. Deterministic: the
// generator is seeded by the caller.
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "zoobench/stats/stats.hpp"

namespace zoobench::stats {

using Trials = std::vector<std::vector<double>>;  // one sample vector per trial

// The median of the per-trial medians (trials without samples ignored); 0 when there are none.
double median_of_medians(const Trials& trials);

// One bootstrap replicate of median_of_medians.
double resampled_median_of_medians(const Trials& trials, std::mt19937_64& rng);

constexpr int kBootstrapReplicates = 1000;

// 95% percentile interval of median_of_medians; nullopt without samples.
std::optional<Interval> bootstrap_ci95(const Trials& trials, std::uint64_t seed);

// 95% percentile interval of median_of_medians(numerator) / median_of_medians(denominator), resampling
// both independently (a speed-up is CPU / GPU against a CPU row from another run); nullopt when either
// has no samples.
std::optional<Interval> bootstrap_ratio_ci95(const Trials& numerator, const Trials& denominator, std::uint64_t seed);

// The same for interleaved trials: trial i of both sides ran back to back, so drift that hit both
// alike cancels. Each replicate draws trial indices once for both sides, then samples within each
// trial independently. Needs equally many trials (else it falls back to the independent interval).
std::optional<Interval> bootstrap_paired_ratio_ci95(const Trials& numerator, const Trials& denominator,
                                                    std::uint64_t seed);

// Between-trial intervals from the trial medians, on the log scale (times and ratios are positive and
// multiplicative): mean +- t(0.975, n-1) * sd / sqrt(n). A bootstrap over three trials can never reach
// beyond their range, so with few trials it understates how far another run may land; Student's t
// says how little three values pin down. nullopt below two trials or with a non-positive median.
std::optional<Interval> trial_t_ci95(const Trials& trials);
// Paired (trial i of both ran back to back): over the per-trial ratios median(num_i) / median(den_i).
std::optional<Interval> paired_ratio_t_ci95(const Trials& numerator, const Trials& denominator);
// Unpaired (the CPU rows of another run): Welch's t on the two sets of log trial medians.
std::optional<Interval> welch_ratio_t_ci95(const Trials& numerator, const Trials& denominator);

// The intervals reported: the envelope of the bootstrap (within-trial noise) and the t interval
// (between-trial spread), so that both kinds of variation are inside.
std::optional<Interval> median_interval(const Trials& trials, std::uint64_t seed);
std::optional<Interval> speedup_interval(const Trials& cpu, const Trials& accelerator, bool paired, std::uint64_t seed);
// The unpaired envelope for median_of_medians(numerator) / median_of_medians(denominator) of two separate
// runs (a CPU row from a baseline file; `zoo-bench compare`): bootstrap and Welch's t, at confidence
// 1 - alpha (compare lowers alpha to make its intervals simultaneous over many rows).
std::optional<Interval> ratio_interval(const Trials& numerator, const Trials& denominator, std::uint64_t seed,
                                       double alpha = 0.05);
// The two halves of it at confidence 1 - alpha (the bootstrap takes enough replicates for the tails).
std::optional<Interval> bootstrap_ratio_interval(const Trials& numerator, const Trials& denominator,
                                                 std::uint64_t seed, double alpha);
std::optional<Interval> welch_ratio_t_interval(const Trials& numerator, const Trials& denominator, double alpha);

// Student's t: P(|T| > t) for `dof` degrees of freedom (regularized incomplete beta), and its inverse,
// the t with P(|T| > t) = alpha (so t_two_sided(0.05, n) is t975(n) to table precision).
double t_tail_two_sided(double t, int dof);
double t_two_sided(double alpha, int dof);

// Student's t quantile for a two-sided 95% interval with `dof` degrees of freedom (>= 1): a table to
// 30, a second-order Cornish-Fisher expansion beyond.
double t975(int dof);

// The smallest spread of trial medians (max - min, relative to their median) that counts as unstable.
constexpr double kUnstableMinSpread = 0.02;

// True when the trials disagree beyond their own spread: with two or more trials of at least 6
// samples, some pair of per-trial 95% median intervals does not overlap, and the trial medians spread
// by more than kUnstableMinSpread.
// nullopt when it cannot be assessed (fewer than two trials with 6 samples or more).
std::optional<bool> trials_disagree(const Trials& trials);

}  // namespace zoobench::stats
