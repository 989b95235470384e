#include "zoobench/plan/split.hpp"

#include <stdexcept>

namespace zoobench {

namespace {

bool same_unit(const PlanItem& a, const PlanItem& b) {
  return a.config_name == b.config_name && a.variant.files == b.variant.files && a.trial == b.trial;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> work_units(const Plan& plan) {
  std::vector<std::pair<std::size_t, std::size_t>> units;
  for (std::size_t i = 0; i < plan.items.size(); ++i) {
    if (units.empty() || !same_unit(plan.items[units.back().first], plan.items[i])) units.emplace_back(i, i);
    units.back().second = i + 1;
  }
  return units;
}

std::vector<std::vector<std::size_t>> split_plan(const Plan& plan, std::size_t workers) {
  if (workers == 0) throw std::invalid_argument("split_plan: no workers");
  std::vector<std::vector<std::size_t>> assigned(workers);
  const auto units = work_units(plan);
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (std::size_t i = units[u].first; i < units[u].second; ++i) assigned[u % workers].push_back(i);
  }
  return assigned;
}

}  // namespace zoobench
