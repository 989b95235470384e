#pragma once
// `--device all`: the plan spread over one worker per GPU. The unit of work is one trial of one
// benchmark (one config and model variant): its backend/targets stay together and in order on one
// worker (A B C), so the interleaving that makes trial i of the CPU and of the GPU comparable is kept,
// and the trials of a benchmark go to the workers in turn, so that every GPU measures the same
// benchmarks and the report can compare them. The assignment is fixed before the run (round-robin over
// the units in plan order): which GPU measures what does not depend on timing.
#include <cstddef>
#include <vector>

#include "zoobench/plan/plan.hpp"

namespace zoobench {

// Runs of consecutive plan items that form one unit (same config, model files and trial), as
// [first, last) index pairs in plan order.
std::vector<std::pair<std::size_t, std::size_t>> work_units(const Plan& plan);

// For each of `workers` workers, the plan item indices it runs, in plan order. Unit u goes to worker
// u % workers. `workers` must be at least 1.
std::vector<std::vector<std::size_t>> split_plan(const Plan& plan, std::size_t workers);

}  // namespace zoobench
