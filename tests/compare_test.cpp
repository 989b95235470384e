// `zoo-bench compare` on recorded H200 results (benchmarks/results/gpu-h200/run-pair, in the
// repository) and on synthetic variants of them built by editing the samples: an injected slowdown
// must be caught, a file against itself must not, rows of one file only are listed.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/report/results_json.hpp"
#include "zoobench/stats/compare.hpp"
#include "zoobench/stats/trials.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::run_zoo_bench;

fs::path recorded(const std::string& name) {
  return test::source_dir() / "benchmarks" / "results" / "gpu-h200" / "run-pair" / name;
}

json load_json(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

fs::path save_json(const json& j, const fs::path& file) {
  std::ofstream(file) << j.dump();
  return file;
}

// Every stage sample of every record times `factor` (the stages add up to the total, so all of them).
json scaled(json results, double factor) {
  for (auto& r : results.at("records")) {
    for (auto& [stage, samples] : r.at("samples_ms").items()) {
      for (auto& v : samples) v = v.get<double>() * factor;
    }
  }
  return results;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Run 1 with every sample times `factor`, saved in `dir`.
fs::path scaled_run1(double factor, const fs::path& dir, const std::string& name) {
  return save_json(scaled(load_json(recorded("run1.recomputed.json")), factor), dir / name);
}

json compare_json_of(const fs::path& base, const fs::path& next, const std::string& extra, int& exit_code,
                     const fs::path& dir = test::scratch_dir()) {
  const fs::path out = dir / "compare.json";
  const auto r = run_zoo_bench(fmt::format("compare {} {} --json {} {}", quoted(base), quoted(next), quoted(out), extra));
  exit_code = r.exit_code;
  EXPECT_TRUE(fs::exists(out)) << r.output;
  return load_json(out);
}

TEST(CompareStats, TQuantilesMatchTheTableAndPublishedValues) {
  for (int dof = 1; dof <= 30; ++dof) EXPECT_NEAR(stats::t_two_sided(0.05, dof), stats::t975(dof), 1e-3) << dof;
  // Two-sided 0.1% points of Student's t (any statistics table): 636.62, 31.599, 8.610, 3.291 (normal).
  EXPECT_NEAR(stats::t_two_sided(0.001, 1), 636.62, 0.01);
  EXPECT_NEAR(stats::t_two_sided(0.001, 2), 31.599, 0.001);
  EXPECT_NEAR(stats::t_two_sided(0.001, 4), 8.610, 0.001);
  EXPECT_NEAR(stats::t_two_sided(0.001, 100000), 3.2905, 0.001);
  EXPECT_NEAR(stats::t_tail_two_sided(2.776, 4), 0.05, 1e-4);
}

TEST(CompareStats, TheSimultaneousIntervalContainsThePerRowOne) {
  const stats::Trials a = {{10, 10.5, 11, 10.2}, {10.4, 10.1, 10.9, 10.3}, {10.8, 10.2, 10.6, 11.1}};
  const stats::Trials b = {{12, 12.5, 13, 12.2}, {12.4, 12.1, 12.9, 12.3}, {12.8, 12.2, 12.6, 13.1}};
  const auto row = stats::ratio_interval(b, a, 7);
  const auto simultaneous = stats::ratio_interval(b, a, 7, 0.05 / 50);
  ASSERT_TRUE(row && simultaneous);
  EXPECT_LE(simultaneous->low, row->low);
  EXPECT_GE(simultaneous->high, row->high);
  EXPECT_LT(row->low, 1.2 * 1.0);
  EXPECT_GT(row->high, 1.15);
}

TEST(CompareVerdict, TheWholeIntervalMustLieBeyondTheThreshold) {
  EXPECT_EQ(judge_change(1.20, stats::Interval{1.10, 1.30}, 0.05), ChangeVerdict::Regressed);
  EXPECT_EQ(judge_change(1.20, stats::Interval{1.04, 1.30}, 0.05), ChangeVerdict::Slower);
  EXPECT_EQ(judge_change(1.20, std::nullopt, 0.05), ChangeVerdict::Slower);
  EXPECT_EQ(judge_change(1.03, stats::Interval{1.01, 1.04}, 0.05), ChangeVerdict::Same);
  EXPECT_EQ(judge_change(0.80, stats::Interval{0.70, 0.90}, 0.05), ChangeVerdict::Improved);
  EXPECT_EQ(judge_change(0.90, stats::Interval{0.80, 0.99}, 0.05), ChangeVerdict::Faster);
  EXPECT_EQ(judge_change(1.20, stats::Interval{1.10, 1.30}, 0.25), ChangeVerdict::Same);
}

TEST(CompareRecorded, AFileAgainstItselfIsTheSameEverywhere) {
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), recorded("run1.recomputed.json"), "", code);
  EXPECT_EQ(code, kExitOk);
  EXPECT_FALSE(j.at("regressed").get<bool>());
  ASSERT_EQ(j.at("rows").size(), 51u);  // the 51 measured benchmark rows of the run (17 x 3 targets)
  for (const auto& r : j.at("rows")) {
    EXPECT_DOUBLE_EQ(r.at("ratio").get<double>(), 1.0);
    EXPECT_EQ(r.at("verdict"), "same");
    EXPECT_EQ(r.at("answers_vs_base"), "same") << r.dump();
  }
  EXPECT_TRUE(j.at("changes").empty());
  EXPECT_TRUE(j.at("notes").empty());  // same machine and OpenCV
}

TEST(CompareRecorded, TwoRunsOfTheSameBuildDoNotFlagARegression) {
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), recorded("run2.recomputed.json"), "", code);
  EXPECT_EQ(code, kExitOk) << j.dump(1);
  EXPECT_FALSE(j.at("regressed").get<bool>());
  EXPECT_EQ(j.at("rows").size(), 51u);
  for (const auto& r : j.at("rows")) EXPECT_NE(r.at("verdict"), "REGRESSED") << r.dump();
  // Run 2 was slower overall (geometric mean about 1.06, its interval about 1.01-1.11): real, but
  // not beyond the 5% threshold with confidence. benchmarks/results/gpu-h200/README.md discusses it.
  const json& all = j.at("geometric_means").back();
  EXPECT_EQ(all.at("scope"), "all rows");
  EXPECT_NE(all.at("verdict"), "REGRESSED");
  EXPECT_LT(all.at("ratio_ci95").at(0).get<double>(), 1.05);
}

TEST(CompareSynthetic, AnInjectedTwentyPercentSlowdownIsCaught) {
  const fs::path dir = test::scratch_dir();
  const fs::path slowed = scaled_run1(1.2, dir, "slowed.json");
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), slowed, "", code, dir);
  EXPECT_EQ(code, kExitRegressed);
  EXPECT_TRUE(j.at("regressed").get<bool>());
  int regressed = 0;
  for (const auto& r : j.at("rows")) {
    EXPECT_NEAR(r.at("ratio").get<double>(), 1.2, 1e-9);
    if (r.at("verdict") == "REGRESSED") {
      ++regressed;
      EXPECT_GT(r.at("ratio_ci95").at(0).get<double>(), 1.05);
    } else {
      EXPECT_EQ(r.at("verdict"), "slower (not significant)");  // never "same": 20% is beyond 5%
    }
  }
  // Three trials of 12 samples pin few rows at the simultaneous level; those whose trials agree do.
  EXPECT_GT(regressed, 0);
  ASSERT_FALSE(j.at("geometric_means").empty());
  const json& all = j.at("geometric_means").back();
  EXPECT_NEAR(all.at("ratio").get<double>(), 1.2, 1e-9);
  EXPECT_EQ(all.at("scope"), "all rows");
  EXPECT_EQ(all.at("verdict"), "REGRESSED");  // every row moved alike: the geometric mean shows it
}

TEST(CompareSynthetic, AShiftOfEveryRowIsCaughtByTheGeometricMeanAlone) {
  // 8% on every row: beyond the 5% threshold, but within every row's simultaneous interval.
  const fs::path dir = test::scratch_dir();
  const fs::path slowed = scaled_run1(1.08, dir, "slowed.json");
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), slowed, "", code, dir);
  EXPECT_EQ(code, kExitRegressed);
  for (const auto& r : j.at("rows")) EXPECT_NE(r.at("verdict"), "REGRESSED") << r.dump();
  EXPECT_EQ(j.at("geometric_means").back().at("verdict"), "REGRESSED");
}

TEST(CompareSynthetic, AThresholdAboveTheSlowdownPassesIt) {
  const fs::path dir = test::scratch_dir();
  const fs::path slowed = scaled_run1(1.2, dir, "slowed.json");
  const auto r = run_zoo_bench(fmt::format("compare {} {} --threshold 40", quoted(recorded("run1.recomputed.json")),
                                           quoted(slowed)));
  EXPECT_EQ(r.exit_code, kExitOk) << r.output;
  EXPECT_NE(r.output.find("no significant regression"), std::string::npos) << r.output;
}

TEST(CompareSynthetic, AFasterRunIsNotARegression) {
  const fs::path dir = test::scratch_dir();
  const fs::path faster = scaled_run1(0.8, dir, "faster.json");
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), faster, "", code, dir);
  EXPECT_EQ(code, kExitOk);
  bool improved = false;
  for (const auto& r : j.at("rows")) improved = improved || r.at("verdict") == "improved";
  EXPECT_TRUE(improved);
}

TEST(CompareSynthetic, RowsOfOneFileOnlyAreListedNotErrors) {
  const fs::path dir = test::scratch_dir();
  json next = load_json(recorded("run1.recomputed.json"));
  json kept = json::array();
  for (auto& r : next.at("records")) {
    if (r.at("model") != "SFace") kept.push_back(r);  // SFace gone from NEW
  }
  next["records"] = kept;
  const fs::path less = save_json(next, dir / "less.json");
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), less, "", code, dir);
  EXPECT_EQ(code, kExitOk);
  int only_in_base = 0;
  for (const auto& line : j.at("not_compared")) {
    const std::string text = line.get<std::string>();
    if (text.find("SFace") != std::string::npos) {
      EXPECT_NE(text.find("only in BASE"), std::string::npos) << text;
      ++only_in_base;
    }
  }
  EXPECT_GT(only_in_base, 0);
}

TEST(CompareSynthetic, APlacementChangeAndAChangedAnswerAreListed) {
  const fs::path dir = test::scratch_dir();
  json next = load_json(recorded("run1.recomputed.json"));
  std::string moved, changed;
  for (auto& r : next.at("records")) {
    if (r.at("status") != "ok") continue;
    if (moved.empty() && r.at("backend_target").at("index") == 1 && r.at("model") == "YuNet") {
      r["device"]["state"] = "fallback";  // every trial of this row: the worst state wins anyway
      r["device"]["cpu_layers"] = {"conv_1"};
    }
    if (r.at("model") == "YuNet" && r.at("backend_target").at("index") == 1) moved = r.at("file_list");
    if (r.at("model") == "YuNet" && r.at("backend_target").at("index") == 0 && r.at("trial") == 1 &&
        !r.at("answers").empty() && r.at("answers").at(0).contains("detections")) {
      for (auto& d : r["answers"][0]["detections"]) d["box"][0] = d["box"][0].get<double>() + 200;  // boxes moved
      changed = r.at("file_list");
    }
  }
  ASSERT_FALSE(moved.empty());
  ASSERT_FALSE(changed.empty()) << "the recorded YuNet CPU rows carry detections";
  const fs::path edited = save_json(next, dir / "edited.json");
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), edited, "", code, dir);
  bool placement = false, answers = false;
  for (const auto& line : j.at("changes")) {
    const std::string text = line.get<std::string>();
    placement = placement || (text.find("placement verified") != std::string::npos &&
                              text.find("-> FALLBACK") != std::string::npos);
    answers = answers || text.find("answers differ from BASE") != std::string::npos;
  }
  EXPECT_TRUE(placement) << j.at("changes").dump(1);
  EXPECT_TRUE(answers) << j.at("changes").dump(1);
}

TEST(CompareSynthetic, TheRankTestCatchesAnInjectedSlowdownAndNotAFileAgainstItself) {
  const fs::path dir = test::scratch_dir();
  const fs::path slowed = scaled_run1(1.2, dir, "slowed.json");
  int code = -1;
  const json j = compare_json_of(recorded("run1.recomputed.json"), slowed, "--test mwu", code, dir);
  EXPECT_EQ(code, kExitRegressed);
  EXPECT_EQ(j.at("test"), "mwu");
  int regressed = 0;
  for (const auto& r : j.at("rows")) {
    ASSERT_TRUE(r.at("p_slower_beyond_threshold").is_number()) << r.dump();
    ASSERT_TRUE(r.at("p_faster_beyond_threshold").is_number()) << r.dump();
    EXPECT_GT(r.at("p_faster_beyond_threshold").get<double>(), 0.5) << r.dump();  // 20% slower: not faster
    if (r.at("verdict") == "REGRESSED") {
      ++regressed;
      EXPECT_LT(r.at("p_slower_beyond_threshold").get<double>(), 0.025 / 51) << r.dump();
    } else {
      EXPECT_EQ(r.at("verdict"), "slower (not significant)") << r.dump();
    }
  }
  // All 36 raw samples of a row against all 36: more rows are pinned than by three trial medians.
  int by_interval = 0;
  int interval_code = -1;
  // Kept in a variable: a range-for over `.at()` of a temporary would iterate freed memory.
  const json by_interval_json = compare_json_of(recorded("run1.recomputed.json"), slowed, "", interval_code, dir);
  for (const auto& r : by_interval_json.at("rows")) {
    by_interval += r.at("verdict") == "REGRESSED";
  }
  EXPECT_GT(regressed, by_interval);

  const json same = compare_json_of(recorded("run1.recomputed.json"), recorded("run1.recomputed.json"), "--test mwu",
                                    code, dir);
  EXPECT_EQ(code, kExitOk);
  for (const auto& r : same.at("rows")) {
    EXPECT_EQ(r.at("verdict"), "same") << r.dump();
    // Identical samples: neither direction beyond the threshold is supported, so both p are large.
    EXPECT_GT(r.at("p_slower_beyond_threshold").get<double>(), 0.5) << r.dump();
    EXPECT_GT(r.at("p_faster_beyond_threshold").get<double>(), 0.5) << r.dump();
  }
  const auto table = run_zoo_bench(fmt::format("compare {0} {0} --test mwu", quoted(recorded("run1.recomputed.json"))));
  EXPECT_NE(table.output.find("p(slower beyond t)"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("p(faster beyond t)"), std::string::npos) << table.output;
}

// The realistic case: NEW is another run (its own noise) of a 20% slower build, not BASE's own samples
// scaled. Per row, 3 trials on a noisy host cannot pin every row; the geometric mean over all rows
// catches a shift of every row, and the exit code says so.
TEST(CompareRecorded, AnotherRunTwentyPercentSlowerIsCaughtAgainstARecordedBase) {
  const fs::path dir = test::scratch_dir();
  const fs::path slowed = save_json(scaled(load_json(recorded("run2.recomputed.json")), 1.2), dir / "run2_slowed.json");
  for (const std::string test : {"", "--test mwu"}) {
    int code = -1;
    const json j = compare_json_of(recorded("run1.recomputed.json"), slowed, test, code, dir);
    EXPECT_EQ(code, kExitRegressed) << test;
    EXPECT_TRUE(j.at("regressed").get<bool>()) << test;
    const json& all = j.at("geometric_means").back();
    EXPECT_EQ(all.at("scope"), "all rows");
    EXPECT_EQ(all.at("verdict"), "REGRESSED") << all.dump();
    EXPECT_GT(all.at("ratio").get<double>(), 1.2) << all.dump();
  }
}

TEST(CompareCli, TheThresholdIsAPercentageWithOrWithoutTheSignAndAFractionIsWarnedAbout) {
  const std::string run1 = quoted(recorded("run1.recomputed.json"));
  const auto with_sign = run_zoo_bench(fmt::format("compare {0} {0} --threshold 5%", run1));
  EXPECT_EQ(with_sign.exit_code, kExitOk) << with_sign.output;
  EXPECT_NE(with_sign.output.find("at a 5% threshold"), std::string::npos) << with_sign.output;
  EXPECT_EQ(with_sign.output.find("warning"), std::string::npos) << with_sign.output;

  const auto fraction = run_zoo_bench(fmt::format("compare {0} {0} --threshold 0.05", run1));
  EXPECT_EQ(fraction.exit_code, kExitOk) << fraction.output;
  EXPECT_NE(fraction.output.find("zoo-bench: warning: --threshold 0.05 means 0.05%; did you mean 5?\n"),
            std::string::npos)
      << fraction.output;
  EXPECT_NE(fraction.output.find("at a 0.05% threshold"), std::string::npos) << fraction.output;

  const auto junk = run_zoo_bench(fmt::format("compare {0} {0} --threshold five", run1));
  EXPECT_EQ(junk.exit_code, kExitUsage) << junk.output;
  EXPECT_NE(junk.output.find("--threshold five: give a percentage"), std::string::npos) << junk.output;

  const auto empty = run_zoo_bench(fmt::format("compare {0} {0} --threshold ''", run1));
  EXPECT_EQ(empty.exit_code, kExitUsage) << empty.output;
  EXPECT_NE(empty.output.find("--threshold"), std::string::npos) << empty.output;
}

TEST(CompareCli, ARegressionExitsSixEvenWhenTheOutputFileCannotBeWritten) {
  const fs::path dir = test::scratch_dir();
  const fs::path slowed = scaled_run1(1.2, dir, "slowed.json");
  const std::string unwritable = (dir / "no-such-folder" / "out.json").string();
  const auto regressed = run_zoo_bench(fmt::format("compare {} {} --json '{}'", quoted(recorded("run1.recomputed.json")),
                                                   quoted(slowed), unwritable));
  EXPECT_EQ(regressed.exit_code, kExitRegressed) << regressed.output;
  EXPECT_NE(regressed.output.find("zoo-bench: error: " + unwritable), std::string::npos) << regressed.output;
  EXPECT_NE(regressed.output.find("Verdict: REGRESSION"), std::string::npos) << regressed.output;
  // Without a regression the failure's own code decides: a folder that does not exist is a usage error.
  const auto same = run_zoo_bench(fmt::format("compare {0} {0} --markdown '{1}'", quoted(recorded("run1.recomputed.json")),
                                              unwritable));
  EXPECT_EQ(same.exit_code, kExitUsage) << same.output;
  EXPECT_NE(same.output.find("zoo-bench: error: " + unwritable), std::string::npos) << same.output;
}

TEST(CompareCli, MarkdownHasTheTableTheVerdictAndTheGeometricMean) {
  const fs::path dir = test::scratch_dir();
  const fs::path md = dir / "compare.md";
  const auto r = run_zoo_bench(fmt::format("compare {} {} --markdown {}", quoted(recorded("run1.recomputed.json")),
                                           quoted(recorded("run2.recomputed.json")), quoted(md)));
  EXPECT_EQ(r.exit_code, kExitOk) << r.output;
  std::ifstream in(md);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("| model | size | target | BASE ms | NEW ms | NEW/BASE (simultaneous 95% CI) |"), std::string::npos) << text;
  EXPECT_NE(text.find("geometric mean ("), std::string::npos);
  EXPECT_NE(text.find("Verdict: no significant regression"), std::string::npos);
}

TEST(CompareCli, BadInputIsAOneLineUsageError) {
  const fs::path dir = test::scratch_dir();
  const fs::path junk = test::write_file(dir / "junk.json", "{\"schema_version\": 2}");
  const auto r = run_zoo_bench(fmt::format("compare {} {}", quoted(recorded("run1.recomputed.json")), quoted(junk)));
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(r.output.find("junk.json"), std::string::npos) << r.output;
  const auto t = run_zoo_bench(fmt::format("compare {0} {0} --threshold -3", quoted(recorded("run1.recomputed.json"))));
  EXPECT_EQ(t.exit_code, kExitUsage) << t.output;
}

}  // namespace
}  // namespace zoobench
