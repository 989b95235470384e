#include "zoobench/stats/rank_test.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

namespace zoobench::stats {

namespace {

// P(U <= u) under H0 for sizes m and n without ties: the number of orderings with U = k, by the
// recursion f(m, n, k) = f(m - 1, n, k - n) + f(m, n - 1, k), over all C(m + n, m) orderings.
double exact_cdf(std::size_t m, std::size_t n, double u) {
  const std::size_t max_u = m * n;
  // counts[j][k]: orderings of i a's and j b's with U = k, built up over i.
  std::vector<std::vector<double>> counts(n + 1, std::vector<double>(max_u + 1, 0.0));
  for (std::size_t j = 0; j <= n; ++j) counts[j][0] = 1;  // i = 0: U is 0
  for (std::size_t i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> next(n + 1, std::vector<double>(max_u + 1, 0.0));
    for (std::size_t j = 0; j <= n; ++j) {
      for (std::size_t k = 0; k <= i * j; ++k) {
        // The largest value is an a (it beats all j b's) or a b (it adds nothing).
        double c = k >= j ? counts[j][k - j] : 0.0;
        if (j > 0) c += next[j - 1][k];
        next[j][k] = c;
      }
    }
    counts = std::move(next);
  }
  double below = 0, total = 0;
  for (std::size_t k = 0; k <= max_u; ++k) {
    total += counts[n][k];
    if (static_cast<double>(k) <= u + 1e-9) below += counts[n][k];
  }
  return below / total;
}

}  // namespace

RankTest mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  RankTest out;
  const std::size_t na = a.size(), nb = b.size();
  if (na == 0 || nb == 0) return out;
  // Ranks of the pooled samples, ties given their mean rank; t^3 - t summed over tie groups.
  std::vector<std::pair<double, bool>> pooled;  // value, from a
  pooled.reserve(na + nb);
  for (double v : a) pooled.emplace_back(v, true);
  for (double v : b) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  double rank_sum_a = 0, tie_term = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) rank_sum_a += mean_rank;
    }
    i = j;
  }
  const double n1 = static_cast<double>(na), n2 = static_cast<double>(nb), n = n1 + n2;
  out.u = rank_sum_a - n1 * (n1 + 1) / 2.0;
  const double mean_u = n1 * n2 / 2.0;
  if (tie_term == 0 && (na < kExactBelow || nb < kExactBelow) && na + nb <= kExactMaxTotal) {
    out.exact = true;
    const double lower = exact_cdf(na, nb, out.u);
    const double upper = 1.0 - exact_cdf(na, nb, out.u - 1.0);  // P(U >= u)
    out.p = std::min(1.0, 2.0 * std::min(lower, upper));
    return out;
  }
  const double variance = n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return out;  // every sample equal: no evidence either way
  const double diff = out.u - mean_u;
  const double corrected = std::max(0.0, std::abs(diff) - 0.5);  // continuity correction
  out.z = std::copysign(corrected / std::sqrt(variance), diff);
  out.p = std::min(1.0, std::erfc(std::abs(out.z) / std::sqrt(2.0)));
  return out;
}

}  // namespace zoobench::stats
