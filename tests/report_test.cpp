// Golden-output tests of the reporters on a synthetic ResultSet: records built by hand with fixed
// samples, aggregated, then rendered as the console tables, CSV, JSON and Markdown. The samples are
// constant within each trial, so every bootstrap replicate can only take a few values and the 95%
// intervals are known by hand (see kGolden below), independent of the generator's stream.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/error.hpp"
#include "zoobench/report/columns.hpp"
#include "zoobench/report/json_text.hpp"
#include "zoobench/report/report.hpp"
#include "zoobench/report/results_json.hpp"
#include "zoobench/stats/aggregate.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

AnswerTolerance default_tolerance(const std::string&) { return {}; }

Environment test_environment() {
  Environment e;
  e.zoo_bench_version = "0.0-test";
  e.opencv_version = "4.6.0";
  e.opencv_cuda = "CPU only";
  e.opencv_threads = 2;
  e.command_line = "zoo-bench --all";
  e.started_at = "2024-01-01T00:00:00Z";
  e.host = "testhost";
  e.cpu = "Test CPU";
  return e;
}

Detection one_box() {
  Detection d;
  d.box = {10, 10, 20, 20};
  d.score = 0.9f;
  d.class_id = 1;
  return d;
}

// A measured record of the fake benchmark: every call takes `total_ms` (pre 1 + infer + post 1).
RunRecord measured(int pair, int trial, double total_ms, double load_ms, double first_call_ms,
                   std::vector<float> raw) {
  RunRecord r;
  r.config = "fake.yaml";
  r.model = "Fake";
  r.precision = "fp32";
  r.file_list = "['fake.onnx']";
  r.files = {"/m/fake/fake.onnx"};
  r.backend_target = backend_target_at(pair);
  r.trial = trial;
  r.trials = 2;
  r.input_size = {64, 48};
  r.net_input_shapes = {{1, 3, 48, 64}};
  r.warmup = 1;
  r.repeat = 3;
  r.samples.total = {total_ms, total_ms, total_ms};
  r.samples.preprocess = {1, 1, 1};
  r.samples.infer = {total_ms - 2, total_ms - 2, total_ms - 2};
  r.samples.postprocess = {1, 1, 1};
  r.load_ms = load_ms;
  r.first_call_ms = first_call_ms;
  ModelResult answer;
  answer.detections = {one_box()};
  r.answers = {answer};
  r.raw_outputs = {cv::Mat(raw, true).reshape(1, 1)};
  r.result = "1 box";
  r.note = "stand-in: stages timed apart";
  if (r.backend_target.placement_checked) {
    r.device.state = Placement::OnGpu;
    r.device.layers = 5;
    r.device.gpu_layers = 5;
  }
  return r;
}

// Student's t interval over two values on the log scale (1 degree of freedom, t = 12.706), as
// stats/trials.hpp defines the between-trial interval: exp(mean of the logs -+ t * sd / sqrt(2)), where
// the sample sd of two values is |ln a - ln b| / sqrt(2). Written out here to check the code against.
stats::Interval two_value_t(double a, double b) {
  const double centre = (std::log(a) + std::log(b)) / 2;
  const double half = 12.706 * std::abs(std::log(a) - std::log(b)) / 2;
  return {std::exp(centre - half), std::exp(centre + half)};
}

// CPU trials of 10 and 14 ms, CUDA trials of 4 and 6 ms, in run order (targets interleaved), and a
// benchmark whose model files are absent. Every reported interval is the envelope of a bootstrap
// (within-trial noise) and a Student t interval over the trial medians (between-trial spread).
//   CPU:  median of trial medians (10 + 14) / 2 = 12. Bootstrap: replicates 10, 12 or 14 with
//         probabilities 1/4, 1/2, 1/4, so 10-14. t over {10, 14}: exp(ln sqrt(140) -+ 6.353 ln 1.4) =
//         1.40-100.33. Envelope 1.40-100.33 (two trials pin down very little).
//   CUDA: (4 + 6) / 2 = 5. Bootstrap 4-6; t over {4, 6}: exp(ln sqrt(24) -+ 6.353 ln 1.5) = 0.37-64.39.
//   Speed-up 12 / 5 = 2.40. The trials were interleaved, so both parts are paired. Paired bootstrap:
//         each replicate draws the trial indices once for both sides; (1, 1) gives 10/4 = 2.50, (2, 2)
//         14/6 = 2.33, (1, 2) or (2, 1) 12/5 = 2.40, with probabilities 1/4, 1/4, 1/2, so 2.33-2.50. Paired
//         t over the per-trial ratios {2.5, 2.333}: exp(ln sqrt(2.5 * 2.333) -+ 6.353 ln(2.5 / 2.333)) =
//         1.56-3.74. Envelope 1.56-3.74.
//   Stability: 3 samples per trial are too few for a per-trial median interval (6 needed), so it is not
//   assessed ("-").
//   Pooled CPU samples {10 x3, 14 x3}: mean 12, stddev sqrt(24/5) = 2.19, cv 18.3%; CUDA {4 x3, 6 x3}:
//   mean 5, stddev sqrt(6/5) = 1.10, cv 21.9%. Infer stage medians: CPU (8 + 12) / 2 = 10, CUDA 3.
//   Load: CPU (100 + 120) / 2 = 110, CUDA (300 + 500) / 2 = 400; first call CPU 25, CUDA 60.
//   Raw outputs differ by 0.5 in one element.
ResultSet golden_set() {
  std::vector<RunRecord> records = {
      measured(0, 1, 10, 100, 20, {1, 2, 3}),
      measured(1, 1, 4, 300, 50, {1, 2.5f, 3}),
      measured(0, 2, 14, 120, 30, {1, 2, 3}),
      measured(1, 2, 6, 500, 70, {1, 2.5f, 3}),
  };
  RunRecord absent;
  absent.config = "absent.yaml";
  absent.model = "Absent";
  absent.backend_target = backend_target_at(0);
  absent.status = Status::Missing;
  absent.message = "no model files in /m/absent (fetch them, or point --models-dir there)";
  records.push_back(absent);
  return aggregate(test_environment(), std::move(records), {}, "", default_tolerance);
}

const std::string kRowsText =
    "model               target  size      net input  trials  n  median       95% CI  stable   pre  infer  post  "
    "first call  placement       speed-up vs CPU  answer vs CPU\n"
    "Fake ['fake.onnx']  CPU     [64, 48]  1x3x48x64     2/2  6   12.00  1.40-100.33  -       1.00  10.00  1.00  "
    "     25.00  -                             -  -\n"
    "Fake ['fake.onnx']  CUDA    [64, 48]  1x3x48x64     2/2  6    5.00   0.37-64.39  -       1.00   3.00  1.00  "
    "     60.00  verified 5/5  2.40x (1.56-3.74)  same (1/1 boxes, IoU 1.00)\n";

const std::string kComparisonText =
    "model               size      CPU ms  CUDA ms  CUDA speed-up (95% CI)  CUDA placement  CUDA answer\n"
    "Fake ['fake.onnx']  [64, 48]   12.00     5.00       2.40x (1.56-3.74)  verified 5/5    same (1/1 boxes, IoU 1.00)\n";

const std::string kProblemText =
    "config       model   target  status   reason\n"
    "absent.yaml  Absent  CPU     missing  no model files in /m/absent (fetch them, or point --models-dir there)\n";

const std::string kCounts = "2 ok, 0 failed, 1 missing, 0 unsupported (benchmark rows; each over its trials)";

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// RFC 4180: fields separated by commas, quoted when they hold a comma, quote or newline.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field), field.clear();
    } else if (c == '\n') {
      row.push_back(field), field.clear();
      rows.push_back(row), row.clear();
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(field.empty() && row.empty()) << "the CSV must end with a newline";
  return rows;
}

std::vector<std::string> column_ids() {
  std::vector<std::string> ids;
  for (const auto& c : row_columns()) ids.push_back(c.id);
  return ids;
}

// ---- the aggregate the goldens rest on ----

TEST(ReportGolden, SyntheticSetAggregatesToTheNumbersComputedByHand) {
  const ResultSet set = golden_set();
  ASSERT_EQ(set.rows.size(), 3u);
  const BenchmarkRow& cpu = set.rows[0];
  const BenchmarkRow& cuda = set.rows[1];
  EXPECT_EQ(cpu.record_indices, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(cuda.record_indices, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(cpu.trial_medians, (std::vector<double>{10, 14}));
  EXPECT_DOUBLE_EQ(cpu.median, 12);
  EXPECT_DOUBLE_EQ(cuda.median, 5);
  ASSERT_TRUE(cpu.median_ci95 && cuda.median_ci95);
  // The t intervals are wider than the bootstraps (10-14, 4-6, 2.33-2.50) here, so they are the envelopes.
  const stats::Interval cpu_t = two_value_t(10, 14), cuda_t = two_value_t(4, 6);
  const stats::Interval ratio_t = two_value_t(10.0 / 4.0, 14.0 / 6.0);
  EXPECT_NEAR(cpu.median_ci95->low, cpu_t.low, 1e-9);
  EXPECT_NEAR(cpu.median_ci95->high, cpu_t.high, 1e-9);
  EXPECT_NEAR(cpu_t.low, 1.3954, 1e-4);
  EXPECT_NEAR(cpu_t.high, 100.3264, 1e-4);
  EXPECT_NEAR(cuda.median_ci95->low, cuda_t.low, 1e-9);
  EXPECT_NEAR(cuda.median_ci95->high, cuda_t.high, 1e-9);
  ASSERT_TRUE(cuda.speedup && cuda.speedup->ci95);
  EXPECT_DOUBLE_EQ(cuda.speedup->ratio, 2.4);
  EXPECT_NEAR(cuda.speedup->ci95->low, ratio_t.low, 1e-9);
  EXPECT_NEAR(cuda.speedup->ci95->high, ratio_t.high, 1e-9);
  EXPECT_NEAR(ratio_t.low, 1.5581, 1e-4);
  EXPECT_NEAR(ratio_t.high, 3.7438, 1e-4);
  EXPECT_FALSE(cpu.speedup);
  EXPECT_FALSE(cpu.stability_assessed) << "3 samples per trial: too few to judge";
  EXPECT_FALSE(cuda.stability_assessed);
  EXPECT_FALSE(cpu.unstable);
  EXPECT_DOUBLE_EQ(cpu.infer, 10);
  EXPECT_DOUBLE_EQ(cpu.load_ms, 110);
  EXPECT_DOUBLE_EQ(cuda.first_call_ms, 60);
  EXPECT_NEAR(cpu.pooled.stddev, std::sqrt(24.0 / 5.0), 1e-12);
  ASSERT_TRUE(cuda.agreement && cuda.agreement->max_abs_diff);
  EXPECT_DOUBLE_EQ(*cuda.agreement->max_abs_diff, 0.5);
  EXPECT_EQ(set.rows[2].status, Status::Missing);
  EXPECT_EQ(set.rows[2].trials_ok, 0);
}

// ---- console ----

TEST(ReportGolden, ConsoleRowsTable) { EXPECT_EQ(rows_table(golden_set(), true).to_text(), kRowsText); }

TEST(ReportGolden, ConsoleComparisonTable) { EXPECT_EQ(comparison_table(golden_set()).to_text(), kComparisonText); }

TEST(ReportGolden, ConsoleProblemTableAndCounts) {
  const ResultSet set = golden_set();
  EXPECT_EQ(problem_table(set).to_text(), kProblemText);
  EXPECT_EQ(status_counts(set), kCounts);
}

TEST(ReportGolden, ConsoleReporterPrintsTheTablesInOrderOnlyWhenComplete) {
  const ResultSet set = golden_set();
  std::ostringstream out;
  const auto reporter = make_console_reporter(out, {}, ConsoleOptions{/*verbose=*/true, /*quiet=*/false});
  reporter->results(set, false);
  EXPECT_EQ(out.str(), "") << "snapshots while running print nothing on the console";
  reporter->results(set, true);
  const std::string expected =
      "\nResults (median of trial medians in ms; 95% interval: bootstrap over trials and samples, widened to a "
      "Student-t interval over the trial medians; stages: pre / infer / post):\n" + kRowsText + "\nNot measured:\n" + kProblemText +
      "Note: Fake ['fake.onnx']: stand-in: stages timed apart\n\n" + kCounts + "\n" +
      // The GPU-vs-CPU table comes last, after the notes and the counts line.
      "\nGPU vs CPU (median of trial medians in ms; speed-up = CPU median / this median with a 95% interval over "
      "the trials, paired where they were interleaved; only where the placement is verified):\n" + kComparisonText;
  EXPECT_EQ(out.str(), expected);
}

TEST(ReportGolden, ConsoleRecordLineIsTheZoosRowWithTargetAndTrial) {
  const ResultSet set = golden_set();
  std::ostringstream out;
  const auto reporter = make_console_reporter(out, {}, ConsoleOptions{/*verbose=*/true, /*quiet=*/false});
  reporter->record(set.records[0]);
  reporter->record(set.records[4]);
  EXPECT_EQ(out.str(),
            "10.00      10.00      10.00      [64, 48]     Fake with ['fake.onnx'] on CPU (trial 1/2)\n"
            "missing    -          -          -            Absent: no model files in /m/absent (fetch them, or point "
            "--models-dir there)\n");
}

// The default console: absent models collapse into one line with the command that fetches them.
TEST(ReportGolden, DefaultConsoleCollapsesAbsentModelsIntoOneLineWithTheFetchCommand) {
  ResultSet set = golden_set();
  const auto absent_row = [](const std::string& config, const std::string& model) {
    BenchmarkRow row;
    row.config = config;
    row.model = model;
    row.backend_target = backend_target_at(0);
    row.status = Status::Missing;
    row.message = "no model files";
    return row;
  };
  set.rows.push_back(absent_row("face_detection_yunet.yaml", "YuNet"));
  set.rows.push_back(absent_row("image_classification_mobilenet.yaml", "MobileNet"));
  BenchmarkRow no_data = absent_row("object_detection_yolox.yaml", "YoloX");
  no_data.file_list = "['yolox_nano.onnx']";
  set.rows.push_back(no_data);
  BenchmarkRow failed = absent_row("bad.yaml", "YoloX");
  failed.status = Status::Failed;
  failed.message = "broken file";
  set.rows.push_back(failed);

  std::ostringstream out;
  const auto reporter = make_console_reporter(out, {});
  reporter->record(set.records[4]);  // the absent model as it is met: nothing printed
  EXPECT_EQ(out.str(), "");
  reporter->results(set, true);
  const std::string text = out.str();
  EXPECT_NE(text.find("\nNot measured:\nconfig    model  target  status  reason\n"
                      "bad.yaml  YoloX  CPU     FAILED  broken file\n"
                      "Absent models (2): MobileNet, YuNet; fetch them with: scripts/fetch_models.sh --only "
                      "face_detection_yunet,image_classification_mobilenet\n"
                      "Absent models without a download (1): Absent; --verbose says where to get them\n"
                      "Absent data (1 config): object_detection_yolox.yaml; fetch it with: scripts/fetch_data.sh, or "
                      "point --data-dir at the zoo's benchmark data\n"
                      "(--verbose lists every absent model and data folder with its reason)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("no model files"), std::string::npos) << "no absent model on a line of its own:\n" << text;
}

// An unsupported model gets one line by default, its row in "Not measured"; --verbose also streams it.
TEST(ReportGolden, DefaultConsoleGivesAnUnsupportedModelOneLine) {
  ResultSet set = golden_set();
  RunRecord unsupported = set.records[0];
  unsupported.status = Status::Unsupported;
  unsupported.message = "needs OpenCV 4.10";
  BenchmarkRow row;
  row.config = "tracker.yaml";
  row.model = "VitTrack";
  row.backend_target = backend_target_at(0);
  row.status = Status::Unsupported;
  row.message = "needs OpenCV 4.10";
  set.rows.push_back(row);
  auto count = [](const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  for (const bool verbose : {false, true}) {
    std::ostringstream out;
    const auto reporter = make_console_reporter(out, {}, ConsoleOptions{verbose, /*quiet=*/false});
    reporter->record(unsupported);
    EXPECT_EQ(out.str().empty(), !verbose) << out.str();
    reporter->results(set, true);
    EXPECT_EQ(count(out.str(), "needs OpenCV 4.10"), verbose ? 2u : 1u) << out.str();
    EXPECT_NE(out.str().find("\nNot measured:\n"), std::string::npos) << out.str();
  }
}

TEST(ReportGolden, QuietConsoleHasNoRowPerBenchmarkButKeepsFailuresAndTables) {
  const ResultSet set = golden_set();
  std::ostringstream out;
  const auto reporter = make_console_reporter(out, {}, ConsoleOptions{/*verbose=*/false, /*quiet=*/true});
  reporter->begin(test_environment());
  reporter->record(set.records[0]);
  RunRecord failed = set.records[0];
  failed.status = Status::Failed;
  failed.message = "broken";
  reporter->record(failed);
  const std::string streamed = out.str();
  EXPECT_EQ(streamed, environment_line(test_environment()) + "\n" +
                          "FAILED     -          -          -            Fake with ['fake.onnx'] on CPU: broken\n");
  reporter->results(set, true);
  // With a GPU-vs-CPU table, that table is the output; the wide results table stays in the files.
  EXPECT_EQ(out.str().find(kRowsText), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(kComparisonText), std::string::npos) << out.str();
  EXPECT_NE(out.str().find(kCounts), std::string::npos) << out.str();
}

// The default console (item 4 of issue 12): the GPU-vs-CPU table is the result table and ends the output;
// the wide per-row table only with --table wide (or --verbose).
TEST(ReportGolden, DefaultConsoleEndsWithTheSideBySideTableAndPrintsTheWideOneOnlyOnRequest) {
  ResultSet set = golden_set();
  BenchmarkRow failed = set.rows.front();
  failed.status = Status::Failed;
  failed.message = "broken file";
  set.rows.push_back(failed);
  std::ostringstream plain, wide;
  make_console_reporter(plain, {})->results(set, true);
  ConsoleOptions wide_options;
  wide_options.wide = true;
  make_console_reporter(wide, {}, wide_options)->results(set, true);
  EXPECT_EQ(plain.str().find(kRowsText), std::string::npos) << plain.str();
  ASSERT_GE(plain.str().size(), kComparisonText.size());
  EXPECT_EQ(plain.str().substr(plain.str().size() - kComparisonText.size()), kComparisonText) << plain.str();
  EXPECT_NE(plain.str().find("FAILED  broken file"), std::string::npos) << "failures keep their line:\n" << plain.str();
  EXPECT_NE(wide.str().find(kRowsText), std::string::npos) << wide.str();
  EXPECT_EQ(wide.str().substr(wide.str().size() - kComparisonText.size()), kComparisonText) << wide.str();
}

// The fetch commands name the folders in use: --dest only when they are not the scripts' own defaults.
TEST(ReportViews, AbsentSummaryFetchCommandsPutFilesIntoTheFoldersInUse) {
  ResultSet set;
  BenchmarkRow model_absent;
  model_absent.config = "face_detection_yunet.yaml";
  model_absent.model = "YuNet";
  model_absent.backend_target = backend_target_at(0);
  model_absent.status = Status::Missing;
  BenchmarkRow data_absent = model_absent;
  data_absent.file_list = "['face_detection_yunet_2023mar.onnx']";
  set.rows = {model_absent, data_absent};
  const auto text = [&](const std::filesystem::path& models, const std::filesystem::path& data) {
    std::string all;
    for (const auto& line : absent_summary(set, models, data)) all += line + "\n";
    return all;
  };
  const std::string custom = text("/tmp/my models", "/srv/zoo-data");
  EXPECT_NE(custom.find("scripts/fetch_models.sh --only face_detection_yunet --dest '/tmp/my models'\n"),
            std::string::npos) << custom;
  EXPECT_NE(custom.find("scripts/fetch_data.sh --dest /srv/zoo-data, or point"), std::string::npos) << custom;
  // With the config's data folder known, only its zip: not all 13.
  std::string named;
  for (const auto& line : absent_summary(set, "/tmp/m", "/srv/zoo-data", {{"face_detection_yunet.yaml", "data/face_detection"}})) {
    named += line + "\n";
  }
  EXPECT_NE(named.find("Absent data (1 config): face_detection_yunet.yaml; fetch it with: scripts/fetch_data.sh "
                       "--dest /srv/zoo-data face_detection, or point"),
            std::string::npos) << named;
  const std::filesystem::path source(ZOO_BENCH_TEST_SOURCE_DIR);
  const std::string defaults = text(source.parent_path() / "models", source.parent_path() / "data");
  EXPECT_EQ(defaults.find("--dest"), std::string::npos) << defaults;
  EXPECT_NE(defaults.find("scripts/fetch_models.sh --only face_detection_yunet\n"), std::string::npos) << defaults;
}

TEST(ReportViews, ZooDataNamesAreTheNamesFetchDataAccepts) {
  EXPECT_EQ(zoo_data_name("data/face_detection"), "face_detection");
  EXPECT_EQ(zoo_data_name("data/palm_detection_20230125"), "palm_detection");
  EXPECT_EQ(zoo_data_name("data/facial_expression_recognition/fer_evaluation"), "facial_expression_recognition");
  EXPECT_EQ(zoo_data_name("./data/text/"), "text");
  EXPECT_EQ(zoo_data_name("data"), "");
  // Every config in the repository names a data zip that scripts/fetch_data.sh knows (scripts/zoo_data.tsv).
  const std::filesystem::path source = test::source_dir();
  std::ifstream table(source / "scripts" / "zoo_data.tsv");
  std::set<std::string> known;
  for (std::string line; std::getline(table, line);) {
    if (!line.empty() && line[0] != '#') known.insert(line.substr(0, line.find('\t')));
  }
  ASSERT_EQ(known.size(), 13u);
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    const BenchmarkConfig config = load_config(entry.path());
    EXPECT_EQ(known.count(zoo_data_name(config.data.path)), 1u) << entry.path() << ": " << config.data.path;
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(ReportViews, AbsentSummaryIsEmptyWhenNothingIsMissing) {
  ResultSet set = golden_set();
  set.rows.pop_back();  // the absent row
  EXPECT_TRUE(absent_summary(set).empty());
  EXPECT_TRUE(problem_table(set, false).empty());
}

TEST(ReportViews, ComparisonShowsTheCpuRowTheSpeedUpIsComputedFrom) {
  // CPU measured now (12 ms) and also read from a baseline file (20 ms), as with
  // `--backend-target 0,1 --baseline FILE`: the speed-up uses the measured CPU row, and so must the
  // CPU column beside it.
  std::vector<RunRecord> records = {measured(0, 1, 10, 100, 20, {1, 2, 3}), measured(1, 1, 4, 300, 50, {1, 2, 3}),
                                    measured(0, 2, 14, 120, 30, {1, 2, 3}), measured(1, 2, 6, 500, 70, {1, 2, 3})};
  RunRecord old_cpu = measured(0, 1, 20, 100, 20, {1, 2, 3});
  old_cpu.trials = 1;
  const ResultSet set = aggregate(test_environment(), records, {old_cpu}, "old.json", default_tolerance);
  ASSERT_EQ(set.rows.size(), 3u);
  ASSERT_TRUE(set.rows[2].from_baseline_file);
  ASSERT_TRUE(set.rows[1].speedup);
  EXPECT_DOUBLE_EQ(set.rows[1].speedup->ratio, 2.4) << "this run's CPU row is preferred";
  EXPECT_EQ(comparison_table(set).to_text(),
            "model               size      CPU ms  CUDA ms  CUDA speed-up (95% CI)  CUDA placement  CUDA answer\n"
            "Fake ['fake.onnx']  [64, 48]   12.00     5.00       2.40x (1.56-3.74)  verified 5/5    "
            "same (1/1 boxes, IoU 1.00)\n");
}

TEST(ReportViews, ACpuMedianFromABaselineFileIsMarkedAndItsIntervalIsNotPaired) {
  // The CPU trials come from a file (10 and 14 ms), the CUDA trials from this run (4 and 6 ms). They
  // were not interleaved, so the interval is unpaired: the independent bootstrap ({10,12,14} / {4,5,6}:
  // 1.67-3.50) and Welch's t on the log trial medians: difference of the means ln sqrt(140 / 24),
  // standard error sqrt((ln 1.4)^2 / 4 + (ln 1.5)^2 / 4), Welch-Satterthwaite 1.93 degrees of freedom,
  // rounded down to 1 (t = 12.706). The envelope is Welch's, 0.08-68.66; paired (as in the golden
  // set) it would have been 1.56-3.74.
  const std::vector<RunRecord> file_cpu = {measured(0, 1, 10, 100, 20, {1, 2, 3}), measured(0, 2, 14, 120, 30, {1, 2, 3})};
  const std::vector<RunRecord> records = {measured(1, 1, 4, 300, 50, {1, 2, 3}), measured(1, 2, 6, 500, 70, {1, 2, 3})};
  const ResultSet set = aggregate(test_environment(), records, file_cpu, "old.json", default_tolerance);
  ASSERT_EQ(set.rows.size(), 2u);
  const BenchmarkRow& cuda = set.rows[0];
  ASSERT_TRUE(set.rows[1].from_baseline_file);
  ASSERT_TRUE(cuda.speedup && cuda.speedup->ci95);
  EXPECT_DOUBLE_EQ(cuda.speedup->ratio, 2.4);
  const double centre = std::log(std::sqrt(140.0 / 24.0));
  const double se = std::sqrt(std::pow(std::log(1.4), 2) / 4 + std::pow(std::log(1.5), 2) / 4);
  EXPECT_NEAR(cuda.speedup->ci95->low, std::exp(centre - 12.706 * se), 1e-9);
  EXPECT_NEAR(cuda.speedup->ci95->high, std::exp(centre + 12.706 * se), 1e-9);
  const std::string text = comparison_table(set).to_text();
  std::istringstream lines(text);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_EQ(header, "model               size            CPU ms  CUDA ms               CUDA speed-up (95% CI)  "
                    "CUDA placement  CUDA answer") << text;
  EXPECT_EQ(row, "Fake ['fake.onnx']  [64, 48]  12.00 (file)     5.00  2.40x (0.08-68.66) vs baseline file  "
                 "verified 5/5    same (1/1 boxes, IoU 1.00)") << text;
  EXPECT_EQ(kComparisonText.find("(file)"), std::string::npos) << "a CPU measured in this run is not marked";
}

// ---- CSV ----

TEST(ReportGolden, CsvHasTheColumnIdsAndANumberPerNumericCell) {
  const ResultSet set = golden_set();
  const fs::path file = test::scratch_dir() / "out.csv";
  make_file_reporter("csv", file)->results(set, true);
  const auto rows = parse_csv(read_text(file));
  ASSERT_EQ(rows.size(), 4u);  // header + CPU, CUDA, the absent benchmark
  // The row columns, then the machine facts, repeated on every row so that each stands on its own.
  const std::vector<std::pair<std::string, std::string>> machine = {
      {"host", "testhost"},  {"cpu", "Test CPU"},   {"opencv_version", "4.6.0"},
      {"opencv_threads", "2"}, {"gpus", "no CUDA device"}, {"driver_version", ""}, {"nvidia_driver", ""},
      {"cuda_version", ""},  {"cuda_runtime", ""}, {"cudnn_version", ""}, {"cudnn_loaded", ""},
      {"started_at", "2024-01-01T00:00:00Z"}};
  std::vector<std::string> header = column_ids();
  for (const auto& m : machine) header.push_back(m.first);
  EXPECT_EQ(rows[0], header);
  const std::size_t first_machine = column_ids().size();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), header.size()) << "row " << r;
    for (std::size_t m = 0; m < machine.size(); ++m) {
      EXPECT_EQ(rows[r][first_machine + m], machine[m].second) << "row " << r << " " << machine[m].first;
    }
  }
  for (std::size_t r = 1; r < rows.size(); ++r) ASSERT_EQ(rows[r].size(), rows[0].size()) << "row " << r;

  auto cell = [&](std::size_t row, const std::string& id) {
    const auto ids = column_ids();
    const auto at = std::find(ids.begin(), ids.end(), id);
    EXPECT_NE(at, ids.end()) << id;
    return rows[row][static_cast<std::size_t>(at - ids.begin())];
  };
  auto number = [&](std::size_t row, const std::string& id) {
    const std::string text = cell(row, id);
    std::size_t used = 0;
    double value = std::nan("");
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
    }
    EXPECT_EQ(used, text.size()) << id << " is not a number: '" << text << "'";
    return value;
  };
  // Every cell whose machine value is a number is written as one, in every row.
  for (std::size_t r = 1; r < rows.size(); ++r) {
    for (const auto& c : row_columns()) {
      if (c.cell(set.rows[r - 1]).value.is_number()) number(r, c.id);
    }
  }
  EXPECT_EQ(cell(1, "config"), "fake.yaml");
  EXPECT_EQ(cell(1, "model"), "Fake");
  EXPECT_EQ(cell(1, "files"), "['fake.onnx']");
  EXPECT_EQ(number(1, "backend_target"), 0);
  EXPECT_EQ(number(2, "backend_target"), 1);
  EXPECT_EQ(cell(1, "input_size"), "64 48");
  EXPECT_EQ(cell(1, "net_input"), "1 3 48 64");
  EXPECT_EQ(number(1, "trials"), 2);
  EXPECT_EQ(number(1, "n"), 6);
  EXPECT_DOUBLE_EQ(number(1, "median_ms"), 12);
  EXPECT_DOUBLE_EQ(number(2, "median_ms"), 5);
  EXPECT_EQ(cell(1, "median_ci95_ms"), "1.3954 100.3264");  // arrays: numbers formatted, space-separated
  EXPECT_EQ(cell(2, "trial_medians_ms"), "4.0000 6.0000");
  EXPECT_EQ(cell(2, "speedup_ci95"), "1.5581 3.7438");
  EXPECT_EQ(cell(1, "stable"), "") << "not assessed: null, not a verdict";
  EXPECT_EQ(cell(1, "cv"), "0.1826");
  EXPECT_EQ(cell(1, "p90_ms"), "") << "p90 needs 10 samples";
  EXPECT_DOUBLE_EQ(number(2, "load_ms"), 400);
  EXPECT_EQ(cell(1, "init_ms"), "");
  EXPECT_EQ(cell(1, "placement"), "-");
  EXPECT_EQ(cell(2, "placement"), "verified");
  EXPECT_EQ(cell(2, "placement_detail"), "GPU 5/5 layers");
  EXPECT_EQ(cell(1, "speedup_vs_cpu"), "");
  EXPECT_DOUBLE_EQ(number(2, "speedup_vs_cpu"), 2.4);
  EXPECT_EQ(cell(2, "answer_vs_cpu"), "same");
  EXPECT_DOUBLE_EQ(number(2, "max_abs_diff_vs_cpu"), 0.5);
  EXPECT_EQ(cell(2, "status"), "ok");
  EXPECT_EQ(cell(3, "status"), "missing");
  // A row that did not run has no numbers: empty cells, not zeros a later comparison would read as times.
  for (const char* id : {"median_ms", "zoo_mean_ms", "mean_ms", "min_ms", "infer_ms", "first_call_ms", "placement",
                         "answer_vs_cpu"}) {
    EXPECT_EQ(cell(3, id), "") << id;
  }
  // The message holds a comma: quoted in the file, whole again when parsed back.
  EXPECT_EQ(cell(3, "message"), "no model files in /m/absent (fetch them, or point --models-dir there)");
  EXPECT_NE(read_text(file).find("\"no model files in /m/absent (fetch them, or point --models-dir there)\""),
            std::string::npos);
}

// ---- JSON ----

TEST(ReportGolden, JsonRowsHoldEveryColumnValue) {
  const ResultSet set = golden_set();
  const fs::path file = test::scratch_dir() / "out.json";
  make_file_reporter("json", file)->results(set, true);
  std::ifstream in(file);
  const json j = json::parse(in);
  EXPECT_EQ(j.at("schema_version"), kResultsSchemaVersion);
  EXPECT_EQ(j.at("complete"), true);
  EXPECT_EQ(j.at("environment").at("host"), "testhost");
  EXPECT_EQ(j.at("baseline_file"), "");
  ASSERT_EQ(j.at("rows").size(), 3u);
  ASSERT_EQ(j.at("records").size(), 5u);
  for (std::size_t i = 0; i < set.rows.size(); ++i) {
    const json& row = j.at("rows").at(i);
    EXPECT_EQ(row.size(), row_columns().size());
    for (const auto& c : row_columns()) EXPECT_EQ(row.at(c.id), c.cell(set.rows[i]).value) << c.id;
  }
  const json& cpu = j.at("rows").at(0);
  const json& cuda = j.at("rows").at(1);
  EXPECT_EQ(cpu.at("median_ms"), 12.0);
  EXPECT_NEAR(cpu.at("median_ci95_ms").at(0).get<double>(), two_value_t(10, 14).low, 1e-9);
  EXPECT_NEAR(cpu.at("median_ci95_ms").at(1).get<double>(), two_value_t(10, 14).high, 1e-9);
  EXPECT_EQ(cpu.at("trial_medians_ms"), json::parse("[10.0, 14.0]"));
  EXPECT_EQ(cpu.at("trials"), 2);
  EXPECT_TRUE(cpu.at("speedup_vs_cpu").is_null());
  EXPECT_EQ(cuda.at("median_ms"), 5.0);
  EXPECT_DOUBLE_EQ(cuda.at("speedup_vs_cpu").get<double>(), 2.4);
  EXPECT_NEAR(cuda.at("speedup_ci95").at(0).get<double>(), two_value_t(2.5, 14.0 / 6.0).low, 1e-9);
  EXPECT_NEAR(cuda.at("speedup_ci95").at(1).get<double>(), two_value_t(2.5, 14.0 / 6.0).high, 1e-9);
  EXPECT_TRUE(cpu.at("stable").is_null());
  EXPECT_EQ(cuda.at("placement"), "verified");
  EXPECT_EQ(cuda.at("answer_vs_cpu"), "same");
  EXPECT_EQ(cuda.at("net_input"), json::parse("[[1, 3, 48, 64]]"));
  const json& absent = j.at("rows").at(2);
  EXPECT_EQ(absent.at("status"), "missing");
  for (const char* id : {"median_ms", "median_ci95_ms", "stable", "mean_ms", "infer_ms", "first_call_ms", "placement",
                         "speedup_vs_cpu", "answer_vs_cpu"}) {
    EXPECT_TRUE(absent.at(id).is_null()) << id << " of a row that did not run: " << absent.at(id);
  }
  EXPECT_TRUE(absent.at("input_size").is_null()) << "it never got as far as the data";
  // Records keep the raw samples, so later commands can recompute from them.
  EXPECT_EQ(j.at("records").at(1).at("samples_ms").at("total"), json::parse("[4.0, 4.0, 4.0]"));
  EXPECT_EQ(j.at("records").at(1).at("device").at("state"), "verified");
}

TEST(ReportJson, ReadResultsFileRoundTripsRecordsAndAnswers) {
  ResultSet set = golden_set();
  // A record with every kind of answer the file stores (masks are stored as class counts only).
  RunRecord rich = set.records[0];
  rich.config = "rich.yaml";  // a benchmark of its own: it must not join the Fake CPU row's trials
  rich.model = "Rich";
  rich.init_ms = {3.5, 4.5};
  rich.message = "";
  rich.opencv_messages = {"[ WARN:0] something"};
  Detection d = one_box();
  d.points = {{1.5f, 2.5f}, {3.25f, 4.0f}};
  ModelResult a;
  a.detections = {d};
  for (int i = 0; i < 7; ++i) a.classes.push_back({100 + i, 0.9f - 0.1f * static_cast<float>(i)});
  a.texts = {"theshap", "Grüße"};
  a.feature = (cv::Mat_<float>(1, 3) << 0.25f, -1.0f, 2.0f);
  rich.answers = {a, ModelResult{}};
  set.records.push_back(rich);

  const fs::path file = test::scratch_dir() / "results.json";
  std::ofstream(file) << results_json(set, true).dump(2);
  const StoredResults stored = read_results_file(file);

  EXPECT_EQ(stored.environment.host, "testhost");
  EXPECT_EQ(stored.environment.cpu, "Test CPU");
  EXPECT_EQ(stored.environment.started_at, "2024-01-01T00:00:00Z");
  ASSERT_EQ(stored.records.size(), set.records.size());
  for (std::size_t i = 0; i < set.records.size(); ++i) {
    const RunRecord& want = set.records[i];
    const RunRecord& got = stored.records[i];
    SCOPED_TRACE(fmt::format("record {}", i));
    EXPECT_EQ(got.config, want.config);
    EXPECT_EQ(got.model, want.model);
    EXPECT_EQ(got.precision, want.precision);
    EXPECT_EQ(got.file_list, want.file_list);
    EXPECT_EQ(got.files, want.files);
    EXPECT_EQ(got.backend_target.index, want.backend_target.index);
    EXPECT_EQ(got.backend_target.name, want.backend_target.name);
    EXPECT_EQ(got.trial, want.trial);
    EXPECT_EQ(got.trials, want.trials);
    EXPECT_EQ(got.input_size, want.input_size);
    EXPECT_EQ(got.net_input_shapes, want.net_input_shapes);
    EXPECT_EQ(got.warmup, want.warmup);
    EXPECT_EQ(got.repeat, want.repeat);
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.message, want.message);
    EXPECT_EQ(got.load_ms, want.load_ms);
    EXPECT_EQ(got.first_call_ms, want.first_call_ms);
    EXPECT_EQ(got.init_ms, want.init_ms);
    EXPECT_EQ(got.result, want.result);
    EXPECT_EQ(got.device.state, want.device.state);
    EXPECT_EQ(got.device.layers, want.device.layers);
    EXPECT_EQ(got.device.gpu_layers, want.device.gpu_layers);
    EXPECT_EQ(got.samples.total, want.samples.total);
    EXPECT_EQ(got.samples.preprocess, want.samples.preprocess);
    EXPECT_EQ(got.samples.infer, want.samples.infer);
    EXPECT_EQ(got.samples.postprocess, want.samples.postprocess);
    EXPECT_TRUE(got.raw_outputs.empty()) << "raw outputs are not written to files";
    ASSERT_EQ(got.answers.size(), want.answers.size());
    for (std::size_t k = 0; k < want.answers.size(); ++k) {
      const ModelResult& w = want.answers[k];
      const ModelResult& g = got.answers[k];
      ASSERT_EQ(g.detections.size(), w.detections.size());
      for (std::size_t n = 0; n < w.detections.size(); ++n) {
        EXPECT_EQ(g.detections[n].box, w.detections[n].box);
        EXPECT_EQ(g.detections[n].score, w.detections[n].score);
        EXPECT_EQ(g.detections[n].class_id, w.detections[n].class_id);
        EXPECT_EQ(g.detections[n].points, w.detections[n].points);
      }
      EXPECT_EQ(g.texts, w.texts);
    }
  }
  // The rich answer: the top 5 classes of 7 are kept, in order; the feature as a 1 x D float row.
  const ModelResult& g = stored.records.back().answers[0];
  ASSERT_EQ(g.classes.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(g.classes[static_cast<std::size_t>(i)].class_id, 100 + i);
    EXPECT_FLOAT_EQ(g.classes[static_cast<std::size_t>(i)].score, 0.9f - 0.1f * static_cast<float>(i));
  }
  ASSERT_EQ(g.feature.rows, 1);
  ASSERT_EQ(g.feature.cols, 3);
  EXPECT_EQ(g.feature.type(), CV_32F);
  EXPECT_EQ(g.feature.at<float>(0, 1), -1.0f);
  EXPECT_TRUE(stored.records.back().answers[1].detections.empty());

  // What was read back aggregates to the same headline as what was written (no raw outputs: the
  // agreement is then by answers only).
  const ResultSet again = aggregate(stored.environment, stored.records, {}, "", default_tolerance);
  EXPECT_DOUBLE_EQ(again.rows[0].median, set.rows[0].median);
  ASSERT_TRUE(again.rows[1].speedup);
  EXPECT_DOUBLE_EQ(again.rows[1].speedup->ratio, 2.4);
}

TEST(ReportJson, ReadResultsFileRefusesAnotherSchemaNamingTheFile) {
  const fs::path dir = test::scratch_dir();
  json j = results_json(golden_set(), true);
  j["schema_version"] = 1;
  const fs::path old = dir / "old.json";
  std::ofstream(old) << j.dump();
  try {
    read_results_file(old);
    FAIL() << "schema 1 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(old.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("schema_version 1"), std::string::npos) << e.what();
  }
  j = results_json(golden_set(), true);
  j["records"][0].erase("samples_ms");
  const fs::path broken = dir / "broken.json";
  std::ofstream(broken) << j.dump();
  try {
    read_results_file(broken);
    FAIL() << "a record without samples was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json: not a zoo-bench results file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("samples_ms"), std::string::npos) << e.what();
  }
}

// An edited file must not turn into numbers: a negative sample, a trial twice, a malformed value.
TEST(ReportJson, ReadResultsFileRefusesSamplesThatAreNotTimesAndRepeatedTrials) {
  const fs::path dir = test::scratch_dir();
  auto refused = [&](json j, const std::string& name, const std::string& why) {
    const fs::path file = dir / name;
    std::ofstream(file) << j.dump();
    try {
      read_results_file(file);
      ADD_FAILURE() << name << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  };
  json negative = results_json(golden_set(), true);
  negative["records"][0]["samples_ms"]["total"][0] = -3.0;
  refused(negative, "negative.json", "sample -3 ms is not a time");
  json twice = results_json(golden_set(), true);
  twice["records"].push_back(twice["records"][0]);
  refused(twice, "twice.json", "appears twice");
  json cc = results_json(golden_set(), true);
  cc["environment"]["gpus"] = json::array({{{"index", 0}, {"name", "X"}, {"compute_capability", "a.b"},
                                           {"total_memory", 1}, {"opencv_compatible", true}}});
  refused(cc, "cc.json", "key 'compute_capability': 'a.b' is not MAJOR.MINOR");
  cc["environment"]["gpus"][0]["compute_capability"] = "9x.0";
  refused(cc, "cc_junk.json", "'9x.0' is not MAJOR.MINOR");
  json near_max = results_json(golden_set(), true);
  near_max["records"][0]["samples_ms"]["total"][0] = 1.7e308;  // the statistics would overflow to infinity
  refused(near_max, "near_max.json", "records[0]: sample 1.7e+308 ms is not a time");
  json shapes = results_json(golden_set(), true);
  shapes["records"][1]["net_input_shapes"] = 7;
  refused(shapes, "shapes.json", "records[1]: key 'net_input_shapes': a JSON number where a list belongs");
  shapes["records"][1]["net_input_shapes"] = nullptr;
  refused(shapes, "shapes_null.json", "key 'net_input_shapes': a JSON null where a list belongs");
  json answers = results_json(golden_set(), true);
  answers["records"][0]["answers"] = 5;
  refused(answers, "answers.json", "key 'answers': a JSON number where a list belongs");
  json text = results_json(golden_set(), true);
  text["records"][0]["answers"] = json::array({{{"texts", {std::string(13000, 'a')}}}});
  refused(text, "long_text.json", "a recognised text of 13000 bytes");
  // A count that is not a whole number, or one out of int's range, is refused, not cast (undefined behaviour).
  json huge_count = results_json(golden_set(), true);
  huge_count["records"][0]["device"]["layers"] = 1.18556e22;
  refused(huge_count, "huge_count.json", "records[0]: key 'layers': 1.18556e+22 where a whole number in [");
  json fraction = results_json(golden_set(), true);
  fraction["records"][0]["trial"] = 1.5;
  refused(fraction, "fraction.json", "1.5 where a whole number");
  json wide = results_json(golden_set(), true);
  wide["records"][0]["net_input_shapes"] = json::array({json::array({1, 3, 4294967296LL})});
  refused(wide, "wide.json", "4294967296 where a whole number");
  json negative_memory = results_json(golden_set(), true);
  negative_memory["environment"]["gpus"] = json::array({{{"index", 0}, {"name", "X"}, {"compute_capability", "9.0"},
                                                         {"total_memory", -1}, {"opencv_compatible", true}}});
  refused(negative_memory, "negative_memory.json", "-1 where a whole number");
}

// What zoo-bench writes it reads back: a NaN (an FP16 net's output, a timing not taken) is written as null
// and read as NaN, and a string that is not UTF-8 (a path) is written with U+FFFD instead of losing the file.
TEST(ReportJson, NotANumberAndBadUtf8SurviveTheRoundTrip) {
  ResultSet set = golden_set();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  RunRecord& r = set.records.at(0);
  r.load_ms = nan;
  r.files = {"/models/\xff.onnx"};
  ModelResult answer;
  Detection d;
  d.box = {1, 2, 3, 4};
  d.score = static_cast<float>(nan);
  d.points = {{static_cast<float>(nan), 1.0f}};
  answer.detections = {d};
  answer.classes = {{3, static_cast<float>(nan)}};
  answer.feature = (cv::Mat_<float>(1, 3) << 1.0f, static_cast<float>(nan), 2.0f);
  r.answers = {answer};
  std::string text;
  ASSERT_NO_THROW(text = json_text(results_json(set, true), 2));
  StoredResults back;
  ASSERT_NO_THROW(back = parse_results_json(text, "nan.json"));
  const RunRecord& b = back.records.at(0);
  EXPECT_TRUE(std::isnan(b.load_ms));
  EXPECT_NE(b.files.at(0).find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  ASSERT_EQ(b.answers.size(), 1u);
  EXPECT_TRUE(std::isnan(b.answers[0].detections.at(0).score));
  EXPECT_TRUE(std::isnan(b.answers[0].detections[0].points.at(0).x));
  EXPECT_TRUE(std::isnan(b.answers[0].classes.at(0).score));
  EXPECT_TRUE(std::isnan(b.answers[0].feature.at<float>(0, 1)));
  EXPECT_FLOAT_EQ(b.answers[0].feature.at<float>(0, 2), 2.0f);
}

// A measured difference that is not finite stays measured: "inf" / "nan" in the file, not null ("not measured").
TEST(ReportJson, InfiniteDifferencesStayMeasured) {
  ResultSet set = golden_set();
  set.records.at(0).checks.max_abs_diff_vs_cpu = std::numeric_limits<double>::infinity();
  set.records.at(0).checks.fp16_max_abs_diff = std::numeric_limits<double>::quiet_NaN();
  const json written = results_json(set, true);
  EXPECT_EQ(written.at("records")[0].at("checks").at("max_abs_diff_vs_cpu"), "inf");
  const StoredResults back = parse_results_json(json_text(written), "inf.json");
  ASSERT_TRUE(back.records.at(0).checks.max_abs_diff_vs_cpu.has_value());
  EXPECT_TRUE(std::isinf(*back.records[0].checks.max_abs_diff_vs_cpu));
  ASSERT_TRUE(back.records[0].checks.fp16_max_abs_diff.has_value());
  EXPECT_TRUE(std::isnan(*back.records[0].checks.fp16_max_abs_diff));
  json edited = written;
  edited["records"][0]["checks"]["max_abs_diff_vs_cpu"] = "large";
  EXPECT_THROW(parse_results_json(edited.dump(), "edited.json"), Error);
}

// A journal (what --resume reads) is as untrusted as a results file: records a run cannot write are
// skipped like cut lines; a header whose fields have the wrong types is refused in one line.
TEST(ReportJson, JournalSkipsRecordsARunCannotWriteAndRefusesAMalformedHeader) {
  const fs::path dir = test::scratch_dir();
  const ResultSet set = golden_set();
  const std::string run_id = "host-1-2024-01-01T00:00:00Z";
  Environment environment = set.environment;
  environment.run_id = run_id;
  RunRecord negative = set.records.at(0);
  negative.samples.total.at(0) = -1;
  RunRecord trial_zero = set.records.at(1);
  trial_zero.trial = 0;
  const fs::path journal = dir / "run.journal.jsonl";
  std::ofstream(journal) << journal_header_line(environment) << "\n"
                         << journal_record_line(run_id, set.records.at(0)) << "\n"
                         << journal_record_line(run_id, set.records.at(0)) << "\n"  // the same trial again
                         << journal_record_line(run_id, negative) << "\n"
                         << journal_record_line(run_id, trial_zero) << "\n"
                         << journal_record_line(run_id, set.records.at(1)) << "\n";
  const JournalContents contents = read_journal(journal, run_id);
  EXPECT_EQ(contents.records.size(), 3u);  // a trial journaled twice is kept twice: resume keeps the later
  EXPECT_EQ(contents.skipped_lines, 2);
  EXPECT_EQ(last_journal_environment(journal).run_id, run_id);

  // A header whose schema_version is nested a million lists deep: refused in one line, not a stack overflow.
  const fs::path deep = dir / "deep.journal.jsonl";
  std::ofstream(deep) << R"({"journal": "zoo-bench", "schema_version": )" << std::string(1000000, '[')
                      << std::string(1000000, ']') << "}\n";
  try {
    last_journal_environment(deep);
    ADD_FAILURE() << "a nested schema_version was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("schema_version a JSON array"), std::string::npos) << e.what();
  }

  const fs::path odd = dir / "odd.journal.jsonl";
  std::ofstream(odd) << R"({"journal": 1})" << "\n"
                     << R"({"journal": "zoo-bench", "schema_version": 2.5, "run_id": "x", "environment": {}})" << "\n";
  try {
    last_journal_environment(odd);
    ADD_FAILURE() << "a header with schema_version 2.5 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("a run of schema_version 2.5"), std::string::npos) << e.what();
  }
}

// ---- Markdown ----

TEST(ReportGolden, MarkdownReport) {
  const fs::path file = test::scratch_dir() / "out.md";
  make_file_reporter("markdown", file)->results(golden_set(), true);
  const std::string expected = R"(# zoo-bench results

zoo-bench 0.0-test | OpenCV 4.6.0 (CPU only) | Test CPU | 2 OpenCV threads

Host testhost, started 2024-01-01T00:00:00Z.

Command: `zoo-bench --all`

## GPU vs CPU (median ms)

| model | size | CPU ms | CUDA ms | CUDA speed-up (95% CI) | CUDA placement | CUDA answer |
|---|---|---:|---:|---:|---|---|
| Fake ['fake.onnx'] | [64, 48] | 12.00 | 5.00 | 2.40x (1.56-3.74) | verified 5/5 | same (1/1 boxes, IoU 1.00) |

## All rows

| config | model | files | precision | target | GPU | source | size | net input | trials | n | median | 95% CI | trial medians | stable | zoo mean | min | mean | stddev | cv | p90 | p99 | pre | infer | post | load | first call | init | placement | placement detail | speed-up vs CPU | speed-up 95% CI | answer vs CPU | max \|diff\| vs CPU | FP16 vs FP32 max \|diff\| | result | status | message |
|---|---|---|---|---|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|---:|---:|---|---|---|
| fake.yaml | Fake ['fake.onnx'] | ['fake.onnx'] | fp32 | CPU | - | measured | [64, 48] | 1x3x48x64 | 2/2 | 6 | 12.00 | 1.40-100.33 | 10.00 14.00 | - | 12.00 | 10.00 | 12.00 | 2.19 | 18.3% | - | - | 1.00 | 10.00 | 1.00 | 110.00 | 25.00 | - | - | - | - | - | - | - | - | 1 box | ok | - |
| fake.yaml | Fake ['fake.onnx'] | ['fake.onnx'] | fp32 | CUDA | - | measured | [64, 48] | 1x3x48x64 | 2/2 | 6 | 5.00 | 0.37-64.39 | 4.00 6.00 | - | 5.00 | 4.00 | 5.00 | 1.10 | 21.9% | - | - | 1.00 | 3.00 | 1.00 | 400.00 | 60.00 | - | verified 5/5 | GPU 5/5 layers | 2.40x (1.56-3.74) | 1.56-3.74 | same (1/1 boxes, IoU 1.00) | 0.5 | - | 1 box | ok | - |

## Not measured

| config | model | target | status | reason |
|---|---|---|---|---|
| absent.yaml | Absent | CPU | missing | no model files in /m/absent (fetch them, or point --models-dir there) |

- Fake ['fake.onnx']: stand-in: stages timed apart

2 ok, 0 failed, 1 missing, 0 unsupported (benchmark rows; each over its trials)
)";
  EXPECT_EQ(read_text(file), expected);
}

TEST(ReportFiles, UnknownFormatIsAnError) { EXPECT_THROW(make_file_reporter("xml", "/tmp/x.xml"), Error); }

}  // namespace
}  // namespace zoobench
