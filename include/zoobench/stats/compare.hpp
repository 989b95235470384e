#pragma once
// Two runs compared row by row (`zoo-bench compare BASE NEW`): per model, files, precision, input size
// and backend/target, the ratio new/base of the headline medians with an interval from both runs' raw
// samples (the unpaired envelope of stats/trials.hpp: bootstrap over trials and samples, and Welch's t
// over the trial medians), simultaneous at 95% over all rows compared (Bonferroni); a verdict against
// a practical threshold, placement and answer changes, and geometric-mean summaries. Computed here
// once; report/compare_report.cpp only formats.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zoobench/stats/aggregate.hpp"

namespace zoobench {

enum class ChangeVerdict {
  Same,         // the ratio lies within the threshold
  Slower,       // the ratio is beyond the threshold, but the interval reaches below it: not significant
  Faster,       // the mirror of Slower
  Regressed,    // the whole interval lies above 1 + threshold
  Improved,     // the whole interval lies below 1 / (1 + threshold)
};

const char* verdict_name(ChangeVerdict verdict);  // "same", "slower (not significant)", ..., "REGRESSED"

// What makes a row's change significant: its interval (bootstrap envelope, the default), or the
// Mann-Whitney U rank test on all raw samples of all trials (--test mwu): REGRESSED when NEW's samples lie
// significantly above BASE's scaled by 1 + threshold, improved when significantly below BASE's divided by it.
enum class CompareTest { Bootstrap, MannWhitney };

// The verdict for a ratio new/base and its interval; without an interval only Same/Slower/Faster.
ChangeVerdict judge_change(double ratio, const std::optional<stats::Interval>& ci95, double threshold);

struct RowChange {
  const BenchmarkRow* base = nullptr;  // into the ResultSets given to compare_runs(), which must outlive this
  const BenchmarkRow* next = nullptr;
  double ratio = 0;                    // next->median / base->median
  std::optional<stats::Interval> ci95;  // simultaneous 95% over all compared rows (Bonferroni)
  // --test mwu: one-sided p of the rank test for each direction the verdict tests: NEW slower than
  // BASE x (1 + threshold), and NEW faster than BASE / (1 + threshold). Small p: that direction holds.
  std::optional<double> p_slower_beyond;
  std::optional<double> p_faster_beyond;
  ChangeVerdict verdict = ChangeVerdict::Same;
  bool placement_changed = false;      // the placement state differs (e.g. verified -> fallback)
  bool answer_check_changed = false;   // the answer check against the CPU flipped (same <-> differs)
  std::optional<Agreement> answers_vs_base;  // the new run's answers against the base run's, same row
};

// A row only one side has, or one side could not measure.
struct UnmatchedRow {
  const BenchmarkRow* row = nullptr;
  std::string why;  // "only in BASE", "only in NEW", "not measured in NEW: <status>: <reason>", ...
};

struct GeometricMean {
  std::string scope;      // "all rows" or a backend/target name
  int rows = 0;
  double ratio = 0;       // exp(mean(log ratio))
  std::optional<stats::Interval> ci95;  // Student t over the rows' log ratios (the spread across rows)
  ChangeVerdict verdict = ChangeVerdict::Same;
};

struct RunComparison {
  double threshold = 0.05;
  CompareTest test = CompareTest::Bootstrap;
  double alpha = 0.05;                   // each row's significance level: 0.05 / compared (Bonferroni)
  int compared = 0;                      // rows measured in both: the Bonferroni divisor of the intervals
  std::vector<RowChange> rows;           // measured in both, in the base run's order
  std::vector<UnmatchedRow> unmatched;
  std::vector<GeometricMean> summaries;  // per backend/target, then all rows
  std::vector<std::string> notes;        // e.g. the two runs came from different machines

  // True when a row regressed, or the overall geometric mean did (the last summary: a shift of every
  // row that each row's own interval is too wide to show, e.g. a build without optimisations).
  bool regressed() const;
  // Rows whose interval reaches both below 1 and above 1 + threshold: their trials cannot tell.
  int inconclusive() const;
};

// `tolerance_for` says how far a family's answers may move (answers of the two runs compared with it).
RunComparison compare_runs(const ResultSet& base, const ResultSet& next, double threshold,
                           ToleranceLookup tolerance_for, CompareTest test = CompareTest::Bootstrap);

}  // namespace zoobench
