#include "zoobench/report/compare_report.hpp"

#include <fmt/format.h>

#include "zoobench/report/columns.hpp"

namespace zoobench {

using nlohmann::json;

namespace {

std::string row_name(const BenchmarkRow& r) { return fmt::format("{} {}", r.model, r.file_list); }

std::string target_text(const BenchmarkRow& r) { return r.backend_target.name; }

std::string placement_change(const RowChange& c) {
  if (!c.placement_changed) return c.next->placement.short_text();
  return fmt::format("{} -> {}", c.base->placement.short_text(), c.next->placement.short_text());
}

// The new run's answers against the base run's: "same", "DIFFERENT: <summary>", "not compared: ...".
std::string answers_text(const RowChange& c) {
  if (!c.answers_vs_base) return "-";
  const Agreement& a = *c.answers_vs_base;
  if (!a.compared) return a.summary;
  return a.differs ? "DIFFERENT: " + a.summary : "same";
}

json interval_json(const std::optional<stats::Interval>& ci) {
  return ci ? json::array({ci->low, ci->high}) : json(nullptr);
}

std::string threshold_text(const RunComparison& c) { return fmt::format("{:g}%", c.threshold * 100.0); }

std::string verdict_line(const RunComparison& c) {
  int regressed = 0, improved = 0, slower = 0;
  for (const auto& r : c.rows) {
    regressed += r.verdict == ChangeVerdict::Regressed;
    improved += r.verdict == ChangeVerdict::Improved;
    slower += r.verdict == ChangeVerdict::Slower;
  }
  std::string line = fmt::format(
      "Verdict: {}. {} rows compared at a {} threshold: {} regressed, {} improved, {} slower but not significantly "
      "({}).",
      c.regressed() ? "REGRESSION" : "no significant regression", c.rows.size(), threshold_text(c), regressed,
      improved, slower,
      c.test == CompareTest::MannWhitney ? "the rank test does not put them beyond the threshold"
                                         : "the interval reaches inside the threshold");
  if (!c.summaries.empty() && c.summaries.back().verdict == ChangeVerdict::Regressed) {
    line += fmt::format(" The geometric mean over {} regressed: {}.", c.summaries.back().scope,
                        ratio_text(c.summaries.back().ratio, c.summaries.back().ci95));
  }
  if (c.inconclusive() > 0) {
    line += fmt::format(" {} {} cannot tell (their interval spans both 1 and 1 + threshold): more --trials in both "
                        "runs narrow it.", c.inconclusive(), c.inconclusive() == 1 ? "row" : "rows");
  }
  return line;
}

std::string method_line(const RunComparison& c) {
  if (c.test == CompareTest::MannWhitney) {
    return fmt::format(
        "Ratio = NEW median / BASE median (median of trial medians), with the bootstrap interval for reference. "
        "Verdict (--test mwu): the Mann-Whitney U rank test on all raw samples of all trials, NEW against BASE "
        "x (1 + threshold) and against BASE / (1 + threshold), two-sided at {:.2g} per row (Bonferroni: 0.05 / {} "
        "rows). 'p(slower beyond t)' is the one-sided p that NEW is slower than BASE x (1 + threshold), "
        "'p(faster beyond t)' that NEW is faster than BASE / (1 + threshold): small means that direction holds; "
        "a row is REGRESSED (improved) when its p is below half that level (normal approximation with tie "
        "correction; exact for small samples without ties). REGRESSED: NEW's samples lie significantly above BASE's scaled by 1 + "
        "threshold. The samples of one run are not independent draws (a run's drift moves them together), so "
        "this test is bolder than the default interval. Geometric-mean interval: Student t over the rows' log "
        "ratios; the one over all rows also decides.",
        c.alpha, c.compared);
  }
  return "Ratio = NEW median / BASE median (median of trial medians). Interval: envelope of a bootstrap over both "
         "runs' trials and samples and Welch's t over their trial medians, simultaneous at 95% over all rows "
         "compared (Bonferroni: each row at 1 - 0.05/rows), so that 'any row regressed' is wrong at most 5% of "
         "the time. It holds within the two runs: what varies between runs of one build and machine (the H200 "
         "pair differs by a few percent overall) is for the threshold to absorb. REGRESSED: the whole interval "
         "lies above 1 + threshold. Geometric-mean interval: Student t over the rows' log ratios (the spread "
         "across rows, not a measurement error); the one over all rows also decides (a shift of every row).";
}

}  // namespace

std::string ratio_text(double ratio, const std::optional<stats::Interval>& ci95) {
  if (!ci95) return fmt::format("{:.3f}x", ratio);
  return fmt::format("{:.3f}x ({:.3f}-{:.3f})", ratio, ci95->low, ci95->high);
}

Table change_table(const RunComparison& comparison) {
  using A = Table::Align;
  const bool rank = comparison.test == CompareTest::MannWhitney;
  std::vector<std::string> headers = {"model", "size", "target", "BASE ms", "NEW ms", "NEW/BASE (simultaneous 95% CI)"};
  std::vector<A> align = {A::Left, A::Left, A::Left, A::Right, A::Right, A::Right};
  if (rank) {
    for (const char* h : {"p(slower beyond t)", "p(faster beyond t)"}) {
      headers.push_back(h);
      align.push_back(A::Right);
    }
  }
  for (const char* h : {"verdict", "placement", "answers vs BASE"}) {
    headers.push_back(h);
    align.push_back(A::Left);
  }
  Table table(headers, align);
  for (const auto& c : comparison.rows) {
    std::vector<std::string> cells = {row_name(*c.base), size_text(c.base->input_size), target_text(*c.base),
                                      format_ms(c.base->median), format_ms(c.next->median), ratio_text(c.ratio, c.ci95)};
    if (rank) {
      for (const auto& p : {c.p_slower_beyond, c.p_faster_beyond}) cells.push_back(p ? fmt::format("{:.2g}", *p) : "-");
    }
    for (auto&& cell : {std::string(verdict_name(c.verdict)), placement_change(c), answers_text(c)}) cells.push_back(cell);
    table.add_row(std::move(cells));
  }
  for (const auto& g : comparison.summaries) {
    std::vector<std::string> cells = {fmt::format("geometric mean ({} rows)", g.rows), "", g.scope, "", "",
                                      ratio_text(g.ratio, g.ci95)};
    if (rank) cells.push_back("");
    for (auto&& cell : {std::string(verdict_name(g.verdict)), std::string(), std::string()}) cells.push_back(cell);
    table.add_row(std::move(cells));
  }
  return table;
}

std::vector<std::string> change_lines(const RunComparison& comparison) {
  std::vector<std::string> lines;
  for (const auto& c : comparison.rows) {
    const std::string what =
        fmt::format("{} {} on {}", row_name(*c.base), size_text(c.base->input_size), target_text(*c.base));
    if (c.placement_changed) {
      lines.push_back(fmt::format("{}: placement {} -> {}", what, c.base->placement.short_text(),
                                  c.next->placement.short_text()));
    }
    if (c.answer_check_changed) {
      lines.push_back(fmt::format("{}: answer vs CPU {} -> {}", what, answer_text(*c.base), answer_text(*c.next)));
    }
    if (c.answers_vs_base && c.answers_vs_base->differs) {
      lines.push_back(fmt::format("{}: answers differ from BASE's: {}", what, c.answers_vs_base->summary));
    }
  }
  return lines;
}

std::vector<std::string> unmatched_lines(const RunComparison& comparison) {
  std::vector<std::string> lines;
  for (const auto& u : comparison.unmatched) {
    const BenchmarkRow& r = *u.row;
    const std::string size = r.input_size.empty() ? "" : " " + size_text(r.input_size);
    lines.push_back(fmt::format("{}{} on {}: {}", row_name(r), size, target_text(r), u.why));
  }
  return lines;
}

std::string compare_text(const RunComparison& comparison, const std::string& base_file, const std::string& new_file) {
  std::string out = fmt::format("BASE {}\nNEW  {}\n\n", base_file, new_file);
  out += change_table(comparison).to_text() + "\n" + method_line(comparison) + "\n\n";
  const auto section = [&](const char* title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    out += fmt::format("{}:\n", title);
    for (const auto& l : lines) out += "  " + l + "\n";
    out += "\n";
  };
  section("Placement and answer changes", change_lines(comparison));
  section("Not compared", unmatched_lines(comparison));
  section("Notes", comparison.notes);
  out += verdict_line(comparison) + "\n";
  return out;
}

std::string compare_markdown(const RunComparison& comparison, const std::string& base_file,
                             const std::string& new_file) {
  std::string out = fmt::format("# zoo-bench compare\n\nBASE `{}`, NEW `{}`.\n\n{}\n\n", base_file, new_file,
                                verdict_line(comparison));
  out += change_table(comparison).to_markdown() + "\n" + method_line(comparison) + "\n\n";
  const auto section = [&](const char* title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    out += fmt::format("## {}\n\n", title);
    for (const auto& l : lines) out += "- " + l + "\n";
    out += "\n";
  };
  section("Placement and answer changes", change_lines(comparison));
  section("Not compared", unmatched_lines(comparison));
  section("Notes", comparison.notes);
  return out;
}

json compare_json(const RunComparison& comparison, const std::string& base_file, const std::string& new_file) {
  json rows = json::array();
  for (const auto& c : comparison.rows) {
    rows.push_back({{"model", c.base->model},
                    {"files", c.base->file_list},
                    {"precision", c.base->precision},
                    {"input_size", {c.base->input_size.width, c.base->input_size.height}},
                    {"backend_target", c.base->backend_target.index},
                    {"target", c.base->backend_target.name},
                    {"base_median_ms", c.base->median},
                    {"new_median_ms", c.next->median},
                    {"ratio", c.ratio},
                    {"ratio_ci95", interval_json(c.ci95)},
                    {"p_slower_beyond_threshold", c.p_slower_beyond ? json(*c.p_slower_beyond) : json(nullptr)},
                    {"p_faster_beyond_threshold", c.p_faster_beyond ? json(*c.p_faster_beyond) : json(nullptr)},
                    {"verdict", verdict_name(c.verdict)},
                    {"base_placement", c.base->placement.short_text()},
                    {"new_placement", c.next->placement.short_text()},
                    {"answers_vs_base", answers_text(c)}});
  }
  json summaries = json::array();
  for (const auto& g : comparison.summaries) {
    summaries.push_back({{"scope", g.scope}, {"rows", g.rows}, {"ratio", g.ratio}, {"ratio_ci95", interval_json(g.ci95)},
                         {"verdict", verdict_name(g.verdict)}});
  }
  return {{"base", base_file},
          {"new", new_file},
          {"threshold", comparison.threshold},
          {"test", comparison.test == CompareTest::MannWhitney ? "mwu" : "bootstrap"},
          {"interval", fmt::format("simultaneous 95% over {} rows (Bonferroni)", comparison.compared)},
          {"regressed", comparison.regressed()},
          {"rows", rows},
          {"geometric_means", summaries},
          {"changes", change_lines(comparison)},
          {"not_compared", unmatched_lines(comparison)},
          {"notes", comparison.notes}};
}

}  // namespace zoobench
