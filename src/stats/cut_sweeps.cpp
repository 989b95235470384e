#include "zoobench/stats/cut_sweeps.hpp"

#include <algorithm>

namespace zoobench::profile {

std::size_t sweep_count(int repeats, int per_visit) {
  const int per = std::max(1, per_visit);
  const std::size_t sweeps = static_cast<std::size_t>(std::max(0, repeats) / per);
  return std::max<std::size_t>(2, sweeps - sweeps % 2);
}

std::vector<Visit> sweep_schedule(std::size_t cut_count, std::size_t sweeps) {
  std::vector<Visit> visits;
  visits.reserve(sweeps * (cut_count + 2));
  for (std::size_t s = 0; s < sweeps; ++s) {
    visits.push_back({s, true, 0});
    for (std::size_t i = 0; i < cut_count; ++i) {
      visits.push_back({s, false, s % 2 == 0 ? i : cut_count - 1 - i});
    }
    visits.push_back({s, true, 0});
  }
  return visits;
}

}  // namespace zoobench::profile
