// Aggregation of records into benchmark rows (stats/aggregate.hpp) and the exit-code rules built on
// the rows (cli/app.hpp): headline = median of trial medians, speed-ups only for verified placement,
// their bootstrap intervals, the unstable flag, the FP16 proof, agreement with the CPU's answers, and
// --require-cuda / --require-same-answers.
#include <gtest/gtest.h>

#include <algorithm>

#include "zoobench/cli/app.hpp"
#include "zoobench/error.hpp"
#include "zoobench/report/columns.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/stats/aggregate.hpp"
#include "zoobench/stats/trials.hpp"

namespace zoobench {
namespace {

const Column& column(const std::string& id) {
  for (const auto& c : row_columns()) {
    if (c.id == id) return c;
  }
  throw std::runtime_error("no column " + id);
}

AnswerTolerance default_tolerance(const std::string&) { return {}; }

Detection box(float x, float y, float w, float h) {
  Detection d;
  d.box = {x, y, w, h};
  d.score = 0.9f;
  return d;
}

ModelResult boxes(std::vector<Detection> found) {
  ModelResult r;
  r.detections = std::move(found);
  return r;
}

DeviceEvidence on_gpu() {
  DeviceEvidence e;
  e.state = Placement::OnGpu;
  e.layers = e.gpu_layers = 4;
  return e;
}

DeviceEvidence whole_net_fallback() {
  DeviceEvidence e;
  e.state = Placement::Fallback;
  e.layers = 4;
  e.whole_net_on_cpu = true;
  e.reason = "DNN module was not built with CUDA backend; switching to CPU";
  return e;
}

DeviceEvidence unverified() {
  DeviceEvidence e;
  e.state = Placement::Unverified;
  e.reason = "Net::dump() gave no labelled layers";
  return e;
}

// One measured record of the "Fake" benchmark on `pair`; accelerators verified unless told otherwise.
RunRecord rec(int pair, int trial, int trials, std::vector<double> totals, std::string model = "Fake") {
  RunRecord r;
  r.config = "fake.yaml";
  r.model = std::move(model);
  r.precision = "fp32";
  r.file_list = "['fake.onnx']";
  r.backend_target = backend_target_at(pair);
  r.trial = trial;
  r.trials = trials;
  r.input_size = {64, 48};
  r.samples.total = totals;
  r.samples.infer = totals;
  r.answers = {boxes({box(0, 0, 10, 10)})};
  r.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3)};
  if (r.backend_target.placement_checked) r.device = on_gpu();
  return r;
}

RunRecord not_run(int pair, Status status, const std::string& message, const std::string& model = "Broken") {
  RunRecord r;
  r.config = "broken.yaml";
  r.model = model;
  r.file_list = "['broken.onnx']";
  r.backend_target = backend_target_at(pair);
  r.status = status;
  r.message = message;
  return r;
}

ResultSet agg(std::vector<RunRecord> records, Intervals intervals = Intervals::Bootstrap) {
  return aggregate(Environment{}, std::move(records), {}, "", default_tolerance, intervals);
}

const BenchmarkRow& row_on(const ResultSet& set, int pair, const std::string& model = "Fake") {
  for (const auto& r : set.rows) {
    if (r.backend_target.index == pair && r.model == model) return r;
  }
  throw std::runtime_error("no row");
}

// `n` samples within +-0.005 of `centre`, in a fixed scrambled order.
// With n = 11 the offsets are -5..5 once each, so the median is exactly `centre`.
std::vector<double> tight(double centre, int n = 11) {
  std::vector<double> s;
  for (int i = 0; i < n; ++i) s.push_back(centre + 0.001 * ((i * 7) % 11 - 5));
  return s;
}

// ---- the headline ----

TEST(Aggregate, HeadlineIsTheMedianOfTrialMediansNotOfPooledSamples) {
  // Trial medians 2.5, 6 and 10.5 -> 6. The pooled samples' median would be 7, their mean 15.1.
  const ResultSet set = agg({rec(0, 1, 3, {1, 2, 3, 100}), rec(0, 2, 3, {5, 6, 7}), rec(0, 3, 3, {9, 10, 11, 12})});
  ASSERT_EQ(set.rows.size(), 1u);
  const BenchmarkRow& r = set.rows[0];
  EXPECT_EQ(r.trial_medians, (std::vector<double>{2.5, 6, 10.5}));
  EXPECT_DOUBLE_EQ(r.median, 6);
  EXPECT_DOUBLE_EQ(r.infer, 6);
  EXPECT_DOUBLE_EQ(r.pooled.median, 7);
  EXPECT_EQ(r.pooled.n, 11u);
  EXPECT_EQ(r.trials, 3);
  EXPECT_EQ(r.trials_ok, 3);
  EXPECT_TRUE(r.ok());
  ASSERT_TRUE(r.median_ci95);
  EXPECT_LE(r.median_ci95->low, r.median);
  EXPECT_GE(r.median_ci95->high, r.median);
}

TEST(Aggregate, EvenNumberOfTrialsAveragesTheMiddleMedians) {
  const ResultSet set = agg({rec(0, 1, 2, {10, 11, 30}), rec(0, 2, 2, {13, 14, 15})});
  EXPECT_DOUBLE_EQ(set.rows[0].median, (11 + 14) / 2.0);
}

TEST(Aggregate, AFailedTrialMakesTheRowFailedButKeepsTheMeasuredTrials) {
  RunRecord failed = rec(0, 2, 3, {});
  failed.status = Status::Failed;
  failed.message = "out of memory";
  const ResultSet set = agg({rec(0, 1, 3, {4, 5, 6}), failed, rec(0, 3, 3, {6, 7, 8})});
  const BenchmarkRow& r = set.rows[0];
  EXPECT_EQ(r.status, Status::Failed);
  EXPECT_EQ(r.message, "out of memory");
  EXPECT_EQ(r.trials, 3);
  EXPECT_EQ(r.trials_ok, 2);
  EXPECT_EQ(r.trial_medians, (std::vector<double>{5, 7}));
  EXPECT_DOUBLE_EQ(r.median, 6);
  EXPECT_EQ(exit_code_for(set, false), kExitFailed);
  EXPECT_EQ(exit_code_for(set, true), kExitFailed) << "--require-cuda excuses absent models, not failures";
}

// ---- speed-ups and placement ----

TEST(Aggregate, SpeedUpOnlyWithVerifiedPlacement) {
  RunRecord fallback = rec(1, 1, 1, {5, 5, 5});
  fallback.device = whole_net_fallback();
  const ResultSet fell = agg({rec(0, 1, 1, {20, 20, 20}), fallback});
  const BenchmarkRow& f = row_on(fell, 1);
  EXPECT_FALSE(f.speedup);
  EXPECT_EQ(f.no_speedup_reason, "CPU FALLBACK");
  EXPECT_EQ(speedup_text(f), "CPU FALLBACK");
  EXPECT_EQ(f.placement.short_text(), "FALLBACK whole net");
  EXPECT_TRUE(f.agreement) << "the answers are compared whatever the placement";

  RunRecord unknown = rec(1, 1, 1, {5, 5, 5});
  unknown.device = unverified();
  const ResultSet unk = agg({rec(0, 1, 1, {20, 20, 20}), unknown});
  const BenchmarkRow& u = row_on(unk, 1);
  EXPECT_FALSE(u.speedup);
  EXPECT_EQ(u.no_speedup_reason, "UNVERIFIED");
  EXPECT_EQ(speedup_text(u), "UNVERIFIED");
  const Table comparison = comparison_table(unk);
  EXPECT_NE(comparison.to_text().find("UNVERIFIED"), std::string::npos) << comparison.to_text();
  EXPECT_EQ(comparison.to_text().find("4.00x"), std::string::npos) << comparison.to_text();

  const ResultSet good = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5})});
  ASSERT_TRUE(row_on(good, 1).speedup);
  EXPECT_DOUBLE_EQ(row_on(good, 1).speedup->ratio, 4.0);
  EXPECT_EQ(speedup_text(row_on(good, 1)), "4.00x (4.00-4.00)");
  EXPECT_EQ(speedup_text(row_on(good, 0)), "-") << "the CPU row has no speed-up of its own";
}

TEST(Aggregate, OneFallbackTrialWithdrawsTheSpeedUpOfAllTrials) {
  RunRecord second = rec(1, 2, 2, {5, 5, 5});
  second.device = whole_net_fallback();
  const ResultSet set = agg({rec(0, 1, 2, {20, 20, 20}), rec(1, 1, 2, {5, 5, 5}), rec(0, 2, 2, {20, 20, 20}), second});
  const BenchmarkRow& cuda = row_on(set, 1);
  EXPECT_EQ(cuda.placement.state, Placement::Fallback);
  EXPECT_FALSE(cuda.speedup);
  EXPECT_EQ(cuda.no_speedup_reason, "CPU FALLBACK");
}

TEST(Aggregate, NoCpuRowNoSpeedUp) {
  const ResultSet set = agg({rec(1, 1, 1, {5, 5, 5})});
  EXPECT_FALSE(set.rows[0].speedup);
  EXPECT_EQ(set.rows[0].no_speedup_reason, "no CPU row");
  EXPECT_EQ(speedup_text(set.rows[0]), "-");
  EXPECT_FALSE(set.rows[0].agreement);
}

TEST(Aggregate, SpeedUpIntervalContainsTheRatioAndIsDeterministic) {
  auto records = [] {
    std::vector<RunRecord> r;
    const double cpu[] = {30.0, 31.0, 29.5};
    const double gpu[] = {10.0, 10.4, 9.8};
    for (int t = 0; t < 3; ++t) {
      std::vector<double> c, g;
      for (int i = 0; i < 20; ++i) {
        c.push_back(cpu[t] + 0.3 * ((i * 7) % 11 - 5));
        g.push_back(gpu[t] + 0.1 * ((i * 7) % 11 - 5));  // offsets with median 0: trial medians exact
      }
      r.push_back(rec(0, t + 1, 3, c));
      r.push_back(rec(1, t + 1, 3, g));
    }
    return r;
  };
  const ResultSet a = agg(records());
  const BenchmarkRow& cpu = row_on(a, 0);
  const BenchmarkRow& cuda = row_on(a, 1);
  ASSERT_TRUE(cuda.speedup);
  EXPECT_DOUBLE_EQ(cuda.speedup->ratio, cpu.median / cuda.median);
  EXPECT_DOUBLE_EQ(cuda.speedup->ratio, 30.0 / 10.0);  // trial medians 30, 31, 29.5 and 10, 10.4, 9.8
  ASSERT_TRUE(cuda.speedup->ci95);
  const stats::Interval ci = *cuda.speedup->ci95;
  EXPECT_LT(ci.low, ci.high) << "the trials differ, so the interval has a width";
  EXPECT_LE(ci.low, cuda.speedup->ratio);
  EXPECT_GE(ci.high, cuda.speedup->ratio);
  // Bounded by the most extreme trial combinations: 29.5 / 10.4 and 31 / 9.8, plus the sample spread.
  EXPECT_GT(ci.low, 2.5);
  EXPECT_LT(ci.high, 3.5);
  EXPECT_TRUE(cuda.speedup->baseline.empty());

  const ResultSet b = agg(records());
  ASSERT_TRUE(row_on(b, 1).speedup && row_on(b, 1).speedup->ci95);
  EXPECT_EQ(row_on(b, 1).speedup->ci95->low, ci.low) << "same input, same interval";
  EXPECT_EQ(row_on(b, 1).speedup->ci95->high, ci.high);
  EXPECT_EQ(row_on(b, 0).median_ci95->low, cpu.median_ci95->low);
  EXPECT_EQ(row_on(b, 0).median_ci95->high, cpu.median_ci95->high);

  // Snapshots skip the bootstrap but keep the ratio.
  const ResultSet quick = agg(records(), Intervals::Skip);
  ASSERT_TRUE(row_on(quick, 1).speedup);
  EXPECT_DOUBLE_EQ(row_on(quick, 1).speedup->ratio, 3.0);
  EXPECT_FALSE(row_on(quick, 1).speedup->ci95);
  EXPECT_FALSE(row_on(quick, 0).median_ci95);
  EXPECT_EQ(speedup_text(row_on(quick, 1)), "3.00x");
}

TEST(Aggregate, SpeedUpAgainstABaselineFileIsMarked) {
  RunRecord old_cpu = rec(0, 1, 1, {12, 12, 12});
  old_cpu.config = "renamed.yaml";  // the same benchmark, even if its config was renamed since
  const ResultSet set = aggregate(Environment{}, {rec(1, 1, 1, {4, 4, 4})}, {old_cpu}, "cpu.json",
                                  default_tolerance);
  ASSERT_EQ(set.rows.size(), 2u);
  const BenchmarkRow& cuda = set.rows[0];
  ASSERT_TRUE(cuda.speedup);
  EXPECT_DOUBLE_EQ(cuda.speedup->ratio, 3.0);
  EXPECT_EQ(cuda.speedup->baseline, "cpu.json");
  EXPECT_EQ(speedup_text(cuda), "3.00x (3.00-3.00) vs baseline file");
  ASSERT_TRUE(cuda.agreement);
  EXPECT_FALSE(cuda.agreement->differs);
  const BenchmarkRow& baseline = set.rows[1];
  EXPECT_TRUE(baseline.from_baseline_file);
  EXPECT_TRUE(baseline.record_indices.empty()) << "they indexed the file's records, which are not kept";
  EXPECT_EQ(column("backend_target").cell(baseline).text, "CPU (baseline file)");
  EXPECT_TRUE(cuda_requirement_failures(set).empty()) << "the baseline's CPU row is no CUDA row";
}

TEST(Aggregate, OnlyTheBaselineRowsOfTheSelectedModelsAreListed) {
  // The file holds the CPU rows of two models; this run selected one of them.
  const ResultSet set = aggregate(Environment{}, {rec(1, 1, 1, {4, 4, 4})},
                                  {rec(0, 1, 1, {12, 12, 12}), rec(0, 1, 1, {30, 30, 30}, "Other")}, "cpu.json",
                                  default_tolerance);
  ASSERT_EQ(set.rows.size(), 2u);
  EXPECT_EQ(set.rows[1].model, "Fake");
  EXPECT_TRUE(set.rows[1].from_baseline_file);
  for (const auto& row : set.rows) EXPECT_NE(row.model, "Other") << "not selected in this run";
}

TEST(Aggregate, AGpuRowTheBaselineFileCannotServeSaysSo) {
  RunRecord other_size = rec(0, 1, 1, {12, 12, 12});
  other_size.input_size = cv::Size(320, 240);  // not the GPU row's input: no comparison
  const ResultSet set = aggregate(Environment{}, {rec(1, 1, 1, {4, 4, 4})}, {other_size}, "cpu.json",
                                  default_tolerance);
  const BenchmarkRow& cuda = set.rows[0];
  EXPECT_FALSE(cuda.speedup);
  EXPECT_EQ(cuda.no_speedup_reason, "no CPU row in --baseline");
  EXPECT_EQ(speedup_text(cuda), "no CPU row in --baseline");
}

// ---- stability ----

TEST(Aggregate, TrialsThatDisagreeAreUnstable) {
  const ResultSet set = agg({rec(0, 1, 3, tight(10)), rec(0, 2, 3, tight(10)), rec(0, 3, 3, tight(20)),
                             rec(1, 1, 3, tight(5)), rec(1, 2, 3, tight(5)), rec(1, 3, 3, tight(5))});
  const BenchmarkRow& cpu = row_on(set, 0);
  EXPECT_TRUE(cpu.unstable);
  EXPECT_DOUBLE_EQ(cpu.median, 10);
  EXPECT_FALSE(row_on(set, 1).unstable);
  EXPECT_EQ(column("stable").cell(cpu).text, "UNSTABLE");
  EXPECT_EQ(column("stable").cell(row_on(set, 1)).text, "yes");
  const std::vector<std::string> notes = row_notes(set);
  EXPECT_NE(std::find(notes.begin(), notes.end(),
                      "Fake ['fake.onnx'] [64, 48] on CPU: UNSTABLE: trial medians 10.00, 10.00, 20.00 ms disagree "
                      "beyond their own spread"),
            notes.end());
  EXPECT_NE(comparison_table(set).to_text().find("10.00 UNSTABLE"), std::string::npos);
}

TEST(Aggregate, TrialsThatAgreeAreStable) {
  const ResultSet set = agg({rec(0, 1, 3, tight(10)), rec(0, 2, 3, tight(10.001)), rec(0, 3, 3, tight(9.999))});
  EXPECT_FALSE(set.rows[0].unstable);
  EXPECT_EQ(column("stable").cell(set.rows[0]).text, "yes");
}

TEST(Aggregate, DisjointButCloseTrialsAreNotFlagged) {
  // Tight samples make the intervals disjoint, but 1% apart is below the practical floor (2%).
  const ResultSet set = agg({rec(0, 1, 2, tight(10)), rec(0, 2, 2, tight(10.1))});
  EXPECT_FALSE(set.rows[0].unstable);
}

TEST(Aggregate, OneTrialIsNeverUnstableAndShowsNoStability) {
  const ResultSet set = agg({rec(0, 1, 1, tight(10))});
  EXPECT_FALSE(set.rows[0].unstable);
  EXPECT_EQ(column("stable").cell(set.rows[0]).text, "-");
}

// ---- FP16 proof ----

TEST(Aggregate, Fp16OutputsBitIdenticalToCudaAreUnverified) {
  const ResultSet set = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5}), rec(2, 1, 1, {4, 4, 4})});
  const BenchmarkRow& fp16 = row_on(set, 2);
  ASSERT_TRUE(fp16.fp16_vs_fp32_diff);
  EXPECT_EQ(*fp16.fp16_vs_fp32_diff, 0.0);
  EXPECT_EQ(fp16.placement.state, Placement::Unverified);
  // The largest FP32 output is 3: FP16 rounding leaves at least 3 * 2^-14 = 1.83e-4.
  EXPECT_EQ(fp16.placement.reason,
            "FP16 not proven: the outputs differ from the FP32 CUDA outputs by 0, less than FP16 rounding (0.000183)");
  EXPECT_FALSE(fp16.speedup);
  EXPECT_EQ(fp16.no_speedup_reason, "UNVERIFIED");
  EXPECT_TRUE(row_on(set, 1).placement.verified()) << "the FP32 row keeps its evidence";
  ASSERT_TRUE(row_on(set, 1).speedup);
  const auto failures = cuda_requirement_failures(set);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("on CUDA_FP16: UNVERIFIED: FP16 not proven"), std::string::npos) << failures[0];
}

TEST(Aggregate, Fp16OutputsThatDifferKeepTheirVerifiedPlacement) {
  RunRecord fp16 = rec(2, 1, 1, {4, 4, 4});
  fp16.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3.0625f)};
  const ResultSet set = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5}), fp16});
  const BenchmarkRow& r = row_on(set, 2);
  ASSERT_TRUE(r.fp16_vs_fp32_diff);
  EXPECT_DOUBLE_EQ(*r.fp16_vs_fp32_diff, 0.0625);
  EXPECT_TRUE(r.placement.verified());
  ASSERT_TRUE(r.speedup);
  EXPECT_DOUBLE_EQ(r.speedup->ratio, 5.0);
  EXPECT_TRUE(cuda_requirement_failures(set).empty());
}

// FP16 rounds to 11 significant bits: a difference below 2^-14 of the largest FP32 output is no sign of
// FP16 arithmetic, even when it is not zero.
TEST(Aggregate, Fp16DifferenceBelowFp16RoundingIsUnverified) {
  // Largest FP32 output 3: the floor is 3 / 16384 = 1.83e-4. The float nearest 3.0001 is 3 + 419 * 2^-22,
  // 9.99e-5 above 3; 3.0004f is 4.00e-4 above.
  RunRecord tiny = rec(2, 1, 1, {4, 4, 4});
  tiny.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3.0001f)};
  const ResultSet below = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5}), tiny});
  const BenchmarkRow& b = row_on(below, 2);
  ASSERT_TRUE(b.fp16_vs_fp32_diff);
  EXPECT_DOUBLE_EQ(*b.fp16_vs_fp32_diff, 419.0 / (1 << 22));
  EXPECT_EQ(b.placement.state, Placement::Unverified);
  EXPECT_EQ(b.placement.reason,
            "FP16 not proven: the outputs differ from the FP32 CUDA outputs by 9.99e-05, less than FP16 rounding "
            "(0.000183)");
  EXPECT_FALSE(b.speedup);
  EXPECT_EQ(b.no_speedup_reason, "UNVERIFIED");

  RunRecord enough = rec(2, 1, 1, {4, 4, 4});
  enough.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3.0004f)};
  const ResultSet above = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5}), enough});
  EXPECT_TRUE(row_on(above, 2).placement.verified()) << row_on(above, 2).placement.reason;
  ASSERT_TRUE(row_on(above, 2).speedup);
  EXPECT_DOUBLE_EQ(row_on(above, 2).speedup->ratio, 5.0);
}

TEST(Aggregate, Fp16RoundingFloorIsRelativeToTheLargestOutput) {
  // The absolute difference of 0.0625 that proves FP16 beside outputs up to 3 (floor 1.83e-4, see
  // Fp16OutputsThatDifferKeepTheirVerifiedPlacement) proves nothing beside an output of 3000: the floor
  // is then 3000 / 16384 = 0.183.
  auto with_outputs = [](int pair, float last) {
    RunRecord r = rec(pair, 1, 1, {pair == 0 ? 20.0 : 5.0});
    r.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, last)};
    return r;
  };
  RunRecord fp16 = rec(2, 1, 1, {4});
  fp16.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2.0625f, 3000)};
  const ResultSet set = agg({with_outputs(0, 3000), with_outputs(1, 3000), fp16});
  const BenchmarkRow& r = row_on(set, 2);
  ASSERT_TRUE(r.fp16_vs_fp32_diff);
  EXPECT_DOUBLE_EQ(*r.fp16_vs_fp32_diff, 0.0625);
  EXPECT_EQ(r.placement.state, Placement::Unverified);
  EXPECT_NE(r.placement.reason.find("less than FP16 rounding (0.183)"), std::string::npos) << r.placement.reason;
}

// ---- agreement ----

TEST(Aggregate, AgreementIsAgainstTheCpuRow) {
  // CUDA and FP16 both find an extra box: compared with each other they agree, with the CPU they do not.
  RunRecord cuda = rec(1, 1, 1, {5, 5, 5});
  cuda.answers = {boxes({box(0, 0, 10, 10), box(50, 50, 10, 10)})};
  RunRecord fp16 = rec(2, 1, 1, {4, 4, 4});
  fp16.answers = cuda.answers;
  fp16.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3.5f)};
  const ResultSet set = agg({rec(0, 1, 1, {20, 20, 20}), cuda, fp16});
  EXPECT_FALSE(row_on(set, 0).agreement) << "the CPU is the reference, not compared with itself";
  for (int pair : {1, 2}) {
    const BenchmarkRow& r = row_on(set, pair);
    ASSERT_TRUE(r.agreement) << pair;
    EXPECT_TRUE(r.answer_differs()) << pair;
    EXPECT_DOUBLE_EQ(r.agreement->precision.value(), 0.5);
    EXPECT_EQ(answer_text(r), "ANSWER DIFFERS: 2 vs 1 boxes (recall 1.00, precision 0.50)");
  }
  EXPECT_DOUBLE_EQ(row_on(set, 2).agreement->max_abs_diff.value(), 0.5);
  EXPECT_DOUBLE_EQ(row_on(set, 1).agreement->max_abs_diff.value(), 0.0);
  const auto lines = answer_differences(set);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "Fake ['fake.onnx'] [64, 48] on CUDA: 2 vs 1 boxes (recall 1.00, precision 0.50)");
  const auto notes = row_notes(set);
  EXPECT_NE(std::find(notes.begin(), notes.end(),
                      "Fake ['fake.onnx'] [64, 48] on CUDA_FP16: ANSWER DIFFERS from the CPU: 2 vs 1 boxes (recall "
                      "1.00, precision 0.50)"),
            notes.end());
}

TEST(Aggregate, SameAnswersAreNoDifference) {
  const ResultSet set = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5})});
  ASSERT_TRUE(row_on(set, 1).agreement);
  EXPECT_FALSE(row_on(set, 1).answer_differs());
  EXPECT_EQ(answer_text(row_on(set, 1)), "same (1/1 boxes, IoU 1.00)");
  EXPECT_TRUE(answer_differences(set).empty());
}

// --require-same-answers fails closed: a GPU answer that was not compared proves nothing.
TEST(RequireSameAnswers, AllSameGivesNoLine) {
  const ResultSet set = agg({rec(0, 1, 1, {20}), rec(1, 1, 1, {5}), rec(2, 1, 1, {4})});
  EXPECT_TRUE(answer_differences(set).empty());
}

TEST(RequireSameAnswers, GpuRowWithoutACpuRowGivesALine) {
  // --no-cpu-baseline: the CUDA row ran but nothing was compared with it.
  const ResultSet set = agg({rec(1, 1, 1, {5})});
  ASSERT_FALSE(row_on(set, 1).agreement);
  EXPECT_EQ(answer_differences(set),
            (std::vector<std::string>{"Fake ['fake.onnx'] [64, 48] on CUDA: not compared: no measured CPU row"}));
  // Beside a GPU row that was compared and agrees, the uncompared one is still named.
  const ResultSet mixed = agg({rec(0, 1, 1, {20}), rec(1, 1, 1, {5}), rec(1, 1, 1, {5}, "Lonely")});
  const auto lines = answer_differences(mixed);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "Lonely ['fake.onnx'] [64, 48] on CUDA: not compared: no measured CPU row");
}

TEST(RequireSameAnswers, AnswersThatWereNotComparedGiveALine) {
  // The GPU run answered for two images, the CPU for one (a different data set): not compared.
  RunRecord cuda = rec(1, 1, 1, {5});
  cuda.answers.push_back(cuda.answers.front());
  const ResultSet set = agg({rec(0, 1, 1, {20}), cuda});
  const BenchmarkRow& r = row_on(set, 1);
  ASSERT_TRUE(r.agreement);
  EXPECT_FALSE(r.agreement->compared);
  EXPECT_FALSE(r.answer_differs());
  EXPECT_EQ(answer_text(r), "not compared: answers for 2 inputs here, 1 for the CPU");
  EXPECT_EQ(column("answer_vs_cpu").cell(r).value, "not compared");
  EXPECT_EQ(answer_differences(set),
            (std::vector<std::string>{"Fake ['fake.onnx'] [64, 48] on CUDA: not compared: answers for 2 inputs here, 1 for the CPU"}));
}

TEST(RequireSameAnswers, NoGpuRowAtAllGivesOneLine) {
  const std::vector<std::string> expected = {"no GPU answer was compared with a CPU answer"};
  EXPECT_EQ(answer_differences(agg({rec(0, 1, 1, {20})})), expected);
  // GPU rows that did not run are not answers either (their failure shows in the exit code).
  EXPECT_EQ(answer_differences(agg({rec(0, 1, 1, {20}), not_run(1, Status::Failed, "cuDNN error", "Fake")})),
            expected);
}

TEST(Aggregate, AgreementUsesTheFirstMeasuredTrialOfEachSide) {
  // Trial 1 of both sides finds two boxes, trial 2 of both one box: first against first agrees; the
  // CPU's first against the GPU's last would not.
  const std::vector<ModelResult> two = {boxes({box(0, 0, 10, 10), box(50, 50, 10, 10)})};
  RunRecord cpu1 = rec(0, 1, 2, {20, 20, 20});
  cpu1.answers = two;
  RunRecord cuda1 = rec(1, 1, 2, {5, 5, 5});
  cuda1.answers = two;
  const ResultSet set = agg({cpu1, cuda1, rec(0, 2, 2, {20, 20, 20}), rec(1, 2, 2, {5, 5, 5})});
  ASSERT_TRUE(row_on(set, 1).agreement);
  EXPECT_FALSE(row_on(set, 1).answer_differs()) << row_on(set, 1).agreement->summary;
  EXPECT_EQ(row_on(set, 1).agreement->summary, "2/2 boxes, IoU 1.00");
}

TEST(Aggregate, AFailedCpuRowIsNoReference) {
  RunRecord failed_cpu = rec(0, 1, 2, {});
  failed_cpu.status = Status::Failed;
  failed_cpu.message = "flaky";
  const ResultSet set = agg({failed_cpu, rec(1, 1, 2, {5, 5, 5}), rec(0, 2, 2, {20, 20, 20}), rec(1, 2, 2, {5, 5, 5})});
  EXPECT_FALSE(row_on(set, 1).agreement);
  EXPECT_FALSE(row_on(set, 1).speedup);
  EXPECT_EQ(row_on(set, 1).no_speedup_reason, "no CPU row");
}

// ---- --require-cuda and exit codes ----

TEST(RequireCuda, SmokeCheckWithAnUnimportableFilePresentPasses) {
  // The CI smoke check: one family verified on CUDA, another that this OpenCV cannot import.
  const ResultSet set = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5}),
                             not_run(0, Status::Unsupported, "needs OpenCV >= 4.9"),
                             not_run(1, Status::Unsupported, "needs OpenCV >= 4.9"),
                             not_run(1, Status::Missing, "no model files in /m/absent", "Absent")});
  EXPECT_TRUE(cuda_requirement_failures(set).empty());
  EXPECT_EQ(exit_code_for(set, true), kExitOk);
  EXPECT_EQ(exit_code_for(set, false), kExitIncomplete) << "without --require-cuda absent models give exit 3";
}

TEST(RequireCuda, NoCudaRowAtAllFails) {
  const auto cpu_only = cuda_requirement_failures(agg({rec(0, 1, 1, {20, 20, 20})}));
  ASSERT_EQ(cpu_only.size(), 1u);
  EXPECT_EQ(cpu_only[0], "no CUDA row ran, so nothing shows the GPU was used");
  // Only CUDA rows that did not run (unsupported, missing) prove nothing either.
  const auto none_ran = cuda_requirement_failures(
      agg({not_run(1, Status::Unsupported, "needs OpenCV >= 4.9"), not_run(2, Status::Missing, "absent")}));
  ASSERT_EQ(none_ran.size(), 1u);
  EXPECT_EQ(none_ran[0], "no CUDA row ran, so nothing shows the GPU was used");
  // Accelerators that are not CUDA do not count.
  EXPECT_EQ(cuda_requirement_failures(agg({rec(0, 1, 1, {20}), rec(3, 1, 1, {5})})).size(), 1u);
}

TEST(RequireCuda, UnverifiedCudaRowFails) {
  RunRecord cuda = rec(1, 1, 1, {5, 5, 5});
  cuda.device = unverified();
  const auto failures = cuda_requirement_failures(agg({rec(0, 1, 1, {20, 20, 20}), cuda}));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "Fake ['fake.onnx'] [64, 48] on CUDA: UNVERIFIED: Net::dump() gave no labelled layers");
}

TEST(RequireCuda, FallbackCudaRowFailsEvenBesideAVerifiedOne) {
  RunRecord fp16 = rec(2, 1, 1, {5, 5, 5});
  fp16.device = whole_net_fallback();
  fp16.raw_outputs.clear();
  const auto failures = cuda_requirement_failures(agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5}), fp16}));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_NE(failures[0].find("on CUDA_FP16: CPU FALLBACK: whole net on CPU"), std::string::npos) << failures[0];
}

TEST(RequireCuda, FailedCudaRowFails) {
  const ResultSet set = agg({rec(0, 1, 1, {20, 20, 20}), rec(1, 1, 1, {5, 5, 5}, "Other"),
                             not_run(1, Status::Failed, "cuDNN error")});
  const auto failures = cuda_requirement_failures(set);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "Broken ['broken.onnx'] on CUDA: failed: cuDNN error")
      << "the failed row is named (without a size: it never got to the data), though another CUDA row is verified";
  EXPECT_EQ(exit_code_for(set, true), kExitFailed);
}

TEST(ExitCode, AllOkIsZeroMissingIsThree) {
  EXPECT_EQ(exit_code_for(agg({rec(0, 1, 1, {1})}), false), kExitOk);
  EXPECT_EQ(exit_code_for(agg({rec(0, 1, 1, {1}), not_run(0, Status::Missing, "absent")}), false), kExitIncomplete);
  EXPECT_EQ(exit_code_for(agg({not_run(0, Status::Unsupported, "old"), not_run(0, Status::Failed, "bad", "B2")}), true),
            kExitFailed);
}

// The users' own command runs no FP32 CUDA row: the FP16 proof then measures against the CPU's
// outputs (FP32 kernels differ from the CPU by summation order only), and the verdict and the raw
// differences are kept on the record, so that a results file read back gives the same verdict.
TEST(Aggregate, Fp16ProofAgainstTheCpuWhenNoFp32RowRanAndItSurvivesAFile) {
  RunRecord cpu = rec(0, 1, 1, {20, 20, 20});
  cpu.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3)};
  RunRecord same = rec(2, 1, 1, {4, 4, 4});
  same.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3)};  // bit-identical to the CPU: no FP16 arithmetic
  const ResultSet set = agg({cpu, same});
  const BenchmarkRow& fp16 = row_on(set, 2);
  EXPECT_EQ(fp16.placement.state, Placement::Unverified);
  EXPECT_NE(fp16.placement.reason.find("differ from the CPU outputs by 0"), std::string::npos) << fp16.placement.reason;
  EXPECT_FALSE(fp16.speedup);
  // What a results file keeps: the checks, not the raw outputs.
  std::vector<RunRecord> stored = set.records;
  for (auto& r : stored) r.raw_outputs.clear();
  const ResultSet again = agg(stored);
  EXPECT_EQ(row_on(again, 2).placement.state, Placement::Unverified) << "read back, the verdict must not fail open";
  ASSERT_TRUE(row_on(again, 2).agreement);
  EXPECT_EQ(row_on(again, 2).agreement->max_abs_diff, std::optional<double>(0.0));
}

TEST(Trials, StudentQuantileBeyondTheTableStaysAboveTheNormal) {
  EXPECT_DOUBLE_EQ(stats::t975(2), 4.303);
  EXPECT_NEAR(stats::t975(31), 2.040, 0.001);
  EXPECT_NEAR(stats::t975(60), 2.000, 0.001);
  EXPECT_GT(stats::t975(99), 1.96);
}

// Agreeing on nothing (no faces, no hands on either side) is no evidence that the answers are the same.
TEST(RequireSameAnswers, NothingFoundOnEitherSideIsNotProof) {
  RunRecord cpu = rec(0, 1, 1, {20, 20, 20});
  RunRecord gpu = rec(1, 1, 1, {5, 5, 5});
  cpu.answers = {ModelResult{}};
  gpu.answers = {ModelResult{}};
  const ResultSet set = agg({cpu, gpu});
  ASSERT_TRUE(row_on(set, 1).agreement);
  EXPECT_TRUE(row_on(set, 1).agreement->vacuous);
  EXPECT_EQ(answer_differences(set),
            (std::vector<std::string>{"Fake ['fake.onnx'] [64, 48] on CUDA: not proven: nothing found on either side"}));
}

// The FP16 proof's fallback reference is the CPU row, never an NPU row that happens to be neither CUDA
// nor FP16 (its outputs could equal the FP16 row's and make a real FP16 run look unproven).
TEST(Aggregate, Fp16ProofNeverTakesAnNpuRowForTheCpu) {
  RunRecord npu = rec(3, 1, 1, {9, 9, 9});
  npu.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3.5f)};
  RunRecord cpu = rec(0, 1, 1, {20, 20, 20});
  RunRecord fp16 = rec(2, 1, 1, {4, 4, 4});
  fp16.raw_outputs = {(cv::Mat_<float>(1, 3) << 1, 2, 3.5f)};  // 0.5 from the CPU: FP16 shows
  const ResultSet set = agg({npu, cpu, fp16});
  EXPECT_TRUE(row_on(set, 2).placement.verified()) << row_on(set, 2).placement.reason;
  ASSERT_TRUE(row_on(set, 2).fp16_vs_fp32_diff);
  EXPECT_DOUBLE_EQ(*row_on(set, 2).fp16_vs_fp32_diff, 0.5);
}

}  // namespace
}  // namespace zoobench
