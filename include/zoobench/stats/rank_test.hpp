#pragma once
// The Mann-Whitney U rank test (Wilcoxon rank-sum) of two independent samples, for `zoo-bench compare
// --test mwu`: does one run's raw samples lie above the other's? Distribution-free, and it uses every
// sample, so it can see a shift that three trial medians cannot.
#include <cstddef>
#include <vector>

namespace zoobench::stats {

struct RankTest {
  double u = 0;        // U of `a`: the pairs (a_i, b_j) with a_i > b_j, a tie counting one half
  double z = 0;        // (U - n_a n_b / 2) / sd, with tie and continuity correction (0 when exact)
  double p = 1;        // two-sided p-value
  bool exact = false;  // p from the exact distribution of U (see below)
};

// p is exact when there are no ties, a side has fewer than kExactBelow samples and both together at most
// kExactMaxTotal (the exact distribution's table grows with n_a^2 n_b); else the normal approximation.
constexpr std::size_t kExactBelow = 8;
constexpr std::size_t kExactMaxTotal = 60;

// nullopt-free: an empty side gives U 0, p 1.
RankTest mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace zoobench::stats
