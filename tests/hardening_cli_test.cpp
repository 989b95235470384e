// The zoo-bench binary under the conditions long unattended runs meet, on generated stand-ins (nothing
// from ../shared): a full disk, kill -9 at random moments, two runs writing into one folder, --resume
// after a cut run, --timeout-per-model on a runaway model, a broken config among --all, and a folder
// where a model file should be.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/report/result_file.hpp"
#include "zoobench/report/results_json.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kV1 = "image_classification_mobilenetv1_2022apr.onnx";
constexpr const char* kV2 = "image_classification_mobilenetv2_2022apr.onnx";

const fs::path& generated_dir() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / fmt::format("zoobench_hardening_{}", ::getpid());
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// About 1.4 TFLOP per forward: it runs far past any limit a test sets.
const fs::path& runaway_model() {
  static const fs::path model = [] {
    const fs::path out = generated_dir() / "runaway.onnx";
    const std::string command =
        fmt::format("'{}' '{}/tests/tools/make_slow_onnx.py' '{}' --input input:1x3x224x224 --output output:1x1000",
                    ZOO_BENCH_TEST_PYTHON, test::source_dir().string(), out.string());
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return out;
  }();
  return model;
}

using Workspace = test::ClassifierWorkspace;

// The shipped MobileNet config with its two model files as given (an empty path leaves one out).
Workspace make_workspace(const fs::path& v1, const fs::path& v2 = {}) {
  std::vector<std::pair<fs::path, std::string>> files;
  if (!v1.empty()) files.emplace_back(v1, kV1);
  if (!v2.empty()) files.emplace_back(v2, kV2);
  return test::classifier_workspace(files);
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << file << " was not written";
  return json::parse(in);
}

// Starts zoo-bench with its output to `log`; returns its pid (the shell execs into it).
pid_t spawn_zoo_bench(const std::string& args, const fs::path& log) {
  const std::string command = fmt::format("exec '{}' {} >'{}' 2>&1", ZOO_BENCH_BINARY, args, log.string());
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Hardening, FullDiskIsNotSavedAndSaysSo) {
  const Workspace w = make_workspace(test::classifier_standin());
  const auto r = test::run_zoo_bench("--all " + w.dirs() + " --repeat 2 --warmup 0 --json /dev/full");
  EXPECT_EQ(r.exit_code, kExitNotSaved) << r.output;
  EXPECT_NE(r.output.find("/dev/full: writing the results failed: No space left on device"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("1 ok, 0 failed"), std::string::npos) << "the console table must still print\n"
                                                                 << r.output;
  // The other outputs go on.
  const fs::path csv = w.root / "out.csv";
  const auto r2 = test::run_zoo_bench("--all " + w.dirs() + " --repeat 2 --warmup 0 --markdown /dev/full --csv '" +
                                      csv.string() + "'");
  EXPECT_EQ(r2.exit_code, kExitNotSaved) << r2.output;
  EXPECT_NE(text_of(csv).find("MobileNet"), std::string::npos);
}

// kill -9 at random moments: the results file is always a whole one (the previous complete run's or
// this run's latest snapshot) and the journal holds every record that file holds, and more.
TEST(Hardening, KillNineLeavesWholeFilesAndAJournalOfEveryFinishedRow) {
  const Workspace w = make_workspace(test::classifier_standin(), test::classifier_standin());
  const fs::path out = w.root / "out.json";
  const std::string args = fmt::format("--all {} --trials 4 --repeat 2 --warmup 0 --json '{}'", w.dirs(), out.string());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(test::run_zoo_bench(args).exit_code, 0);
  const double full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  StoredResults previous = read_results_file(out);
  ASSERT_TRUE(previous.complete);
  ASSERT_EQ(previous.records.size(), 8u);

  // --resume after a kill: every benchmark trial (2 files x 4 trials) ends up with exactly one record, and
  // each record the cut run had saved is kept as it was.
  auto resume_and_check = [&](const StoredResults& cut_state) {
    const auto r = test::run_zoo_bench(fmt::format("--all {} --trials 4 --repeat 2 --warmup 0 --resume '{}'",
                                                   w.dirs(), out.string()));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const StoredResults resumed = read_results_file(out);
    EXPECT_TRUE(resumed.complete);
    std::map<std::pair<std::string, int>, int> count;
    for (const auto& rec : resumed.records) ++count[{rec.file_list, rec.trial}];
    EXPECT_EQ(count.size(), 8u) << r.output;
    for (const auto& [key, n] : count) EXPECT_EQ(n, 1) << key.first << " trial " << key.second;
    for (const auto& kept : cut_state.records) {
      EXPECT_TRUE(std::any_of(resumed.records.begin(), resumed.records.end(), [&](const RunRecord& rec) {
        return rec.file_list == kept.file_list && rec.trial == kept.trial && rec.samples.total == kept.samples.total;
      })) << kept.file_list << " trial " << kept.trial << " was measured again or lost";
    }
  };
  bool resumed_once = false;

  std::mt19937 random(20261202);
  std::uniform_real_distribution<double> moment(0.0, full_s * 1.1);
  int cut = 0;
  for (int round = 0; round < 8; ++round) {
    const pid_t pid = spawn_zoo_bench(args, w.root / "kill.log");
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(moment(random)));
    ::kill(pid, SIGKILL);
    if (wait_exit_code(pid) == 128 + SIGKILL) ++cut;

    SCOPED_TRACE(fmt::format("round {}", round));
    StoredResults now;
    ASSERT_NO_THROW(now = read_results_file(out)) << "a kill left a results file that cannot be read";
    if (now.environment.run_id == previous.environment.run_id) {
      EXPECT_TRUE(now.complete);
      EXPECT_EQ(now.records.size(), previous.records.size());
      continue;
    }
    // This run's snapshot: every record it holds was journaled first.
    const JournalContents journal = read_journal(journal_path_for(out), now.environment.run_id);
    EXPECT_EQ(journal.skipped_lines, 0) << "a journal line was cut";
    ASSERT_GE(journal.records.size(), now.records.size());
    for (std::size_t i = 0; i < now.records.size(); ++i) {
      EXPECT_EQ(journal.records[i].trial, now.records[i].trial);
      EXPECT_EQ(journal.records[i].file_list, now.records[i].file_list);
      EXPECT_EQ(journal.records[i].samples.total, now.records[i].samples.total);
    }
    if (!resumed_once && !now.complete) {  // the first round cut midway is resumed; later rounds compare with it
      resume_and_check(now);
      resumed_once = true;
      previous = read_results_file(out);
    }
  }
  EXPECT_GT(cut, 0) << "no round was killed before the run ended: the test proved nothing";
  // No round was cut midway (every kill came before the first row or after the last): resume what is there.
  if (!resumed_once) resume_and_check(read_results_file(out));
}

TEST(Hardening, TwoRunsIntoOneFolderNeverCorruptEachOther) {
  const Workspace w = make_workspace(test::classifier_standin(), test::classifier_standin());
  const fs::path shared = w.root / "same.json";
  auto args = [&](const std::string& csv) {
    return fmt::format("--all {} --trials 3 --repeat 2 --warmup 0 --json '{}' --csv '{}'", w.dirs(), shared.string(),
                       (w.root / csv).string());
  };
  const pid_t a = spawn_zoo_bench(args("a.csv"), w.root / "a.log");
  const pid_t b = spawn_zoo_bench(args("b.csv"), w.root / "b.log");
  ASSERT_EQ(wait_exit_code(a), 0) << text_of(w.root / "a.log");
  ASSERT_EQ(wait_exit_code(b), 0) << text_of(w.root / "b.log");

  const StoredResults last = read_results_file(shared);  // whole: one run's complete file
  EXPECT_TRUE(last.complete);
  EXPECT_EQ(last.records.size(), 6u);
  // The shared journal holds both runs, line by line intact.
  std::ifstream in(journal_path_for(shared));
  std::string line;
  std::map<std::string, int> records_per_run;
  int headers = 0;
  while (std::getline(in, line)) {
    const json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "interleaved journal line: " << line.substr(0, 100);
    if (j.contains("journal")) ++headers;
    if (j.contains("record")) ++records_per_run[j.at("run_id").get<std::string>()];
  }
  EXPECT_EQ(headers, 2);
  ASSERT_EQ(records_per_run.size(), 2u);
  for (const auto& [run, n] : records_per_run) EXPECT_EQ(n, 6) << run;
  for (const auto& entry : fs::directory_iterator(w.root)) {
    EXPECT_NE(entry.path().filename().string().rfind(".same.json.", 0), 0u) << "temporary left: " << entry.path();
  }
  for (const char* csv : {"a.csv", "b.csv"}) {
    const std::string text = text_of(w.root / csv);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << csv << ":\n" << text;  // header + 2 rows
  }
}

// A run cut after some trials: --resume keeps what it measured and runs only the rest.
TEST(Hardening, ResumeSkipsWhatACutRunMeasured) {
  const Workspace w = make_workspace(test::classifier_standin());
  const fs::path out = w.root / "out.json";
  const std::string options = fmt::format("--all {} --trials 3 --repeat 2 --warmup 0", w.dirs());
  ASSERT_EQ(test::run_zoo_bench(options + " --json '" + out.string() + "'").exit_code, 0);
  const json full = read_json(out);
  ASSERT_EQ(full.at("records").size(), 3u);

  // As a kill after the first trial leaves it, without a journal: the results file's records are used.
  json cut = full;
  cut["complete"] = false;
  cut["records"] = json::array({full.at("records").at(0)});
  replace_file_atomically(out, cut.dump(2));
  fs::remove(journal_path_for(out));
  const auto r = test::run_zoo_bench(options + " --resume '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("1 records kept"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 of 3 benchmarks already measured"), std::string::npos) << r.output;
  const json resumed = read_json(out);
  EXPECT_TRUE(resumed.at("complete").get<bool>());
  ASSERT_EQ(resumed.at("records").size(), 3u);
  EXPECT_EQ(resumed.at("records").at(0).at("samples_ms"), full.at("records").at(0).at("samples_ms"))
      << "the kept trial must be the earlier run's measurement";
  std::set<int> trials;
  for (const auto& rec : resumed.at("records")) trials.insert(rec.at("trial").get<int>());
  EXPECT_EQ(trials, (std::set<int>{1, 2, 3}));
  EXPECT_EQ(resumed.at("environment").at("run_id"), full.at("environment").at("run_id"));

  // The journal has every finished row even when the results file missed the last ones.
  cut["records"] = json::array({resumed.at("records").at(0)});
  cut["environment"] = resumed.at("environment");
  replace_file_atomically(out, cut.dump(2));
  const auto r2 = test::run_zoo_bench(options + " --resume '" + out.string() + "'");
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  EXPECT_NE(r2.output.find("3 of 3 benchmarks already measured"), std::string::npos) << r2.output;
  EXPECT_EQ(read_json(out).at("records"), resumed.at("records"));

  // Other timing settings, or another machine, would mix unlike numbers: refused (exit 2).
  const auto r3 = test::run_zoo_bench(fmt::format("--all {} --trials 3 --repeat 5 --warmup 0 --resume '{}'",
                                                  w.dirs(), out.string()));
  EXPECT_EQ(r3.exit_code, kExitUsage) << r3.output;
  EXPECT_NE(r3.output.find("repeat 2"), std::string::npos) << r3.output;
  json other = read_json(out);
  other["environment"]["host"] = "another-host";
  replace_file_atomically(out, other.dump());
  const auto r4 = test::run_zoo_bench(options + " --resume '" + out.string() + "'");
  EXPECT_EQ(r4.exit_code, kExitUsage) << r4.output;
  EXPECT_NE(r4.output.find("another-host"), std::string::npos) << r4.output;
}

TEST(Hardening, TimeoutAbandonsARunawayModelAndTheRunGoesOn) {
  const Workspace w = make_workspace(runaway_model(), test::classifier_standin());
  const fs::path out = w.root / "out.json";
  const auto r = test::run_zoo_bench(fmt::format("--all {} --repeat 2 --warmup 0 --timeout-per-model 2 --json '{}'",
                                                 w.dirs(), out.string()));
  EXPECT_EQ(r.exit_code, kExitFailed) << r.output;
  EXPECT_NE(r.output.find("timed out: still running after 2 s"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exiting without waiting"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 ok, 1 failed"), std::string::npos) << r.output;
  const json j = read_json(out);
  ASSERT_EQ(j.at("records").size(), 2u);
  const json& runaway = j.at("records").at(0);
  const json& next = j.at("records").at(1);
  EXPECT_EQ(runaway.at("file_list"), fmt::format("['{}']", kV1));
  EXPECT_EQ(runaway.at("status"), "FAILED");
  EXPECT_NE(runaway.at("message").get<std::string>().find("timed out"), std::string::npos);
  EXPECT_EQ(next.at("status"), "ok");
  EXPECT_NE(next.at("note").get<std::string>().find("timed-out benchmark was still running"), std::string::npos)
      << "a row measured beside the abandoned worker must say so";
  EXPECT_TRUE(j.at("complete").get<bool>());
}

TEST(Hardening, ABrokenConfigAmongAllStillExitsTwo) {
  const Workspace w = make_workspace(test::classifier_standin());
  test::write_file(w.configs / "broken.yaml", "Benchmark: [unclosed\n");
  const auto r = test::run_zoo_bench("--all " + w.dirs() + " --repeat 1 --warmup 0");
  EXPECT_EQ(r.exit_code, kExitUsage) << r.output;
  EXPECT_NE(r.output.find("broken.yaml"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1 ok"), std::string::npos) << "the other configs still run\n" << r.output;
}

TEST(Hardening, AFolderWithAModelFileNameIsNamedAsAFolder) {
  const Workspace w = make_workspace({}, test::classifier_standin());
  fs::create_directories(w.models / "image_classification_mobilenet" / kV1);
  const auto r = test::run_zoo_bench("--all " + w.dirs() + " --repeat 1 --warmup 0");
  EXPECT_EQ(r.exit_code, kExitFailed) << r.output;
  EXPECT_NE(r.output.find(fmt::format("{}: is a folder, not a model file", kV1)), std::string::npos) << r.output;
  const auto list = test::run_zoo_bench("--list " + w.dirs());
  EXPECT_NE(list.output.find("a folder, not a file"), std::string::npos) << list.output;
}

// A doctor that finds CUDA unusable exits 4 even when its --json cannot be saved: 4 wins over 7.
TEST(Hardening, DoctorJsonOnAFullDiskKeepsTheCudaVerdict) {
  const auto plain = test::run_zoo_bench("doctor");
  ASSERT_TRUE(plain.exit_code == kExitOk || plain.exit_code == kExitNoCuda) << plain.output;
  const auto r = test::run_zoo_bench("doctor --json /dev/full");
  EXPECT_EQ(r.exit_code, plain.exit_code == kExitNoCuda ? kExitNoCuda : kExitNotSaved) << r.output;
  EXPECT_NE(r.output.find("/dev/full: writing the results failed: No space left on device"), std::string::npos)
      << r.output;
}


// Every other output goes through the same checked writer: a full disk is exit 7 naming the file and the
// reason, and a regular file is replaced without a temporary left beside it.
TEST(Hardening, ReportCompareAndProfileOutputsOnAFullDiskAreNotSaved) {
  const Workspace w = make_workspace(test::classifier_standin());
  const fs::path out = w.root / "out.json";
  ASSERT_EQ(test::run_zoo_bench("--all " + w.dirs() + " --repeat 2 --warmup 0 --json '" + out.string() + "'").exit_code,
            0);
  const std::string file = "'" + out.string() + "'";
  const std::string config = "-c '" + (w.configs / "image_classification_mobilenet.yaml").string() + "' " + w.dirs();
  for (const std::string& args :
       {"report " + file + " --svg /dev/full", "report " + file + " " + file + " --csv /dev/full",
        "report " + file + " " + file + " --markdown /dev/full", "compare " + file + " " + file + " --json /dev/full",
        "compare " + file + " " + file + " --markdown /dev/full",
        "profile " + config + " --repeats 2 --max-layers 3 --json /dev/full",
        "--all " + w.dirs() + " --repeat 2 --warmup 0 --profile --profile-json /dev/full"}) {
    SCOPED_TRACE(args);
    const auto r = test::run_zoo_bench(args);
    EXPECT_EQ(r.exit_code, kExitNotSaved) << r.output;
    EXPECT_NE(r.output.find("/dev/full: writing the results failed: No space left on device"), std::string::npos)
        << r.output;
  }
  const fs::path folder = w.root / "outputs";
  fs::create_directories(folder);
  for (const std::string& args :
       {"report " + file + " --svg '" + (folder / "chart.svg").string() + "'",
        "compare " + file + " " + file + " --json '" + (folder / "cmp.json").string() + "' --markdown '" +
            (folder / "cmp.md").string() + "'",
        "profile " + config + " --repeats 2 --max-layers 3 --json '" + (folder / "profile.json").string() + "'"}) {
    const auto r = test::run_zoo_bench(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
  }
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"chart.svg", "cmp.json", "cmp.md", "profile.json"}));
}


// A run killed before its results file was first written left only its journal: --resume reads that.
TEST(Hardening, ResumeFromTheJournalAloneWhenTheResultsFileWasNeverWritten) {
  const Workspace w = make_workspace(test::classifier_standin());
  const fs::path out = w.root / "out.json";
  const std::string options = fmt::format("--all {} --trials 3 --repeat 2 --warmup 0", w.dirs());
  ASSERT_EQ(test::run_zoo_bench(options + " --json '" + out.string() + "'").exit_code, 0);
  const json full = read_json(out);
  fs::remove(out);
  const auto r = test::run_zoo_bench(options + " --resume '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 records kept"), std::string::npos) << r.output;
  const json resumed = read_json(out);
  EXPECT_TRUE(resumed.at("complete").get<bool>());
  EXPECT_EQ(resumed.at("records"), full.at("records")) << "nothing measured again";
  EXPECT_EQ(resumed.at("environment").at("run_id"), full.at("environment").at("run_id"));

  // Neither there: one line naming both, exit 2.
  const fs::path none = w.root / "none.json";
  const auto r2 = test::run_zoo_bench(options + " --resume '" + none.string() + "'");
  EXPECT_EQ(r2.exit_code, kExitUsage) << r2.output;
  EXPECT_NE(r2.output.find(fmt::format("--resume {}: neither this file nor its journal {} exists", none.string(),
                                       journal_path_for(none).string())),
            std::string::npos)
      << r2.output;
}

}  // namespace
}  // namespace zoobench
