#pragma once
// The order in which the cut method times its cut points, robust to drift. Net::forward(name) re-runs
// OpenCV's net set-up whenever the requested output changes, and a machine's state drifts (or flips
// between two states) over seconds: a cut point timed in one block would carry the state of its block.
// So the cut points are timed in SWEEPS: each sweep visits every cut point once (a re-setup, one
// warm-up forward, then a few timed forwards), successive sweeps run in opposite directions so that a
// linear drift cancels, and every sweep starts and ends with whole forwards, so that the sum check
// compares the segments with whole forwards of the same stretch of time.
#include <cstddef>
#include <vector>

namespace zoobench::profile {

struct Visit {
  std::size_t sweep = 0;
  bool whole = false;    // a whole forward of the net (all its outputs)
  std::size_t cut = 0;   // index into the cut points, when not whole
};

// Sweeps for `repeats` timed forwards per cut point at `per_visit` per visit: repeats / per_visit,
// rounded down to an even number (directions pair up), at least 2.
std::size_t sweep_count(int repeats, int per_visit);

// Every visit in order: sweep s is [whole, cuts ascending (s even) or descending (s odd), whole].
std::vector<Visit> sweep_schedule(std::size_t cut_count, std::size_t sweeps);

}  // namespace zoobench::profile
