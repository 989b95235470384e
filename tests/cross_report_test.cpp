// `zoo-bench report A.json B.json ...`: the cross-hardware table, its CSV and its SVG chart, on the
// recorded H200 runs and on a second machine made from one of them (another GPU name and CPU, every
// sample 1.5x): the columns are machine x target, the CSV and the SVG are read back with python3's
// csv and xml.etree (tests/tools/check_chart.py), one bar per measured cell.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::run_zoo_bench;

fs::path recorded(const std::string& name) {
  return test::source_dir() / "benchmarks" / "results" / "gpu-h200" / "run-pair" / name;
}

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// run1 as if measured on another machine: an H100 host with a slower CPU and GPU.
fs::path other_machine(const fs::path& dir) {
  std::ifstream in(recorded("run1.recomputed.json"));
  json j = json::parse(in);
  j["environment"]["host"] = "h100-box";
  j["environment"]["cpu"] = "Other CPU";
  j["environment"]["gpus"][0]["name"] = "NVIDIA H100 80GB HBM3";
  for (auto& r : j.at("records")) {
    for (auto& [stage, samples] : r.at("samples_ms").items()) {
      for (auto& v : samples) v = v.get<double>() * 1.5;
    }
  }
  const fs::path file = dir / "h100.json";
  std::ofstream(file) << j.dump();
  return file;
}

TEST(CrossReport, TwoMachinesGiveMachineByTargetColumnsAndMatchingCsvAndSvg) {
  const fs::path dir = test::scratch_dir();
  const fs::path h100 = other_machine(dir);
  const fs::path md = dir / "cross.md", csv = dir / "cross.csv", svg = dir / "cross.svg";
  const auto r = run_zoo_bench(fmt::format("report {} {} --markdown {} --csv {} --svg {}",
                                           quoted(recorded("run1.recomputed.json")), quoted(h100), quoted(md),
                                           quoted(csv), quoted(svg)));
  ASSERT_EQ(r.exit_code, kExitOk) << r.output;
  const std::string table = read_text(md);
  EXPECT_NE(table.find("| model | size | H200 CPU | H200 CUDA | H200 CUDA_FP16 | H100 80GB HBM3 CPU | H100 80GB HBM3 CUDA | "
                       "H100 80GB HBM3 CUDA_FP16 |"),
            std::string::npos)
      << table;
  EXPECT_NE(r.output.find(table.substr(0, 200)), std::string::npos) << "the table is printed too";
  // 17 benchmarks measured on 3 targets on 2 machines: 102 cells, one bar each.
  const auto check = test::run_python(test::source_dir() / "tests" / "tools" / "check_chart.py", quoted(svg) + " " + quoted(csv));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("bars 102 cells 102"), std::string::npos) << check.output;
}

// Three files (two runs of one H200 and an H100): nine series, nine distinct fills; a benchmark one file
// lacks gets a "- not measured" mark, not a blank gap; the CPU series is named by the host's CPU.
TEST(CrossReport, ThreeFilesGiveEverySeriesItsOwnFillAndMarkAbsentCells) {
  const fs::path dir = test::scratch_dir();
  const fs::path h100 = other_machine(dir);
  std::ifstream in(recorded("run2.recomputed.json"));
  json run2 = json::parse(in);
  // Run 2 without its CUDA_FP16 records of YuNet: those cells are absent in its columns.
  auto& records = run2.at("records");
  const auto before = records.size();
  records.erase(std::remove_if(records.begin(), records.end(), [](const json& r) {
                  return r.at("model") == "YuNet" && r.at("backend_target").at("index") == 2;
                }),
                records.end());
  ASSERT_LT(records.size(), before);
  const fs::path partial = dir / "run2_partial.json", csv = dir / "three.csv", svg = dir / "three.svg";
  std::ofstream(partial) << run2.dump();
  const auto r = run_zoo_bench(fmt::format("report {} {} {} --csv {} --svg {}", quoted(recorded("run1.recomputed.json")),
                                           quoted(partial), quoted(h100), quoted(csv), quoted(svg)));
  ASSERT_EQ(r.exit_code, kExitOk) << r.output;
  const auto check = test::run_python(test::source_dir() / "tests" / "tools" / "check_chart.py", quoted(svg) + " " + quoted(csv));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("series 9 fills 9"), std::string::npos) << check.output;
  EXPECT_EQ(check.output.find("absent 0 "), std::string::npos) << check.output;
  const std::string chart = read_text(svg);
  EXPECT_NE(chart.find("H200 (run1.recomputed) host CPU (Intel(R) Xeon(R) Processor)"), std::string::npos);
  EXPECT_NE(chart.find("H100 80GB HBM3 host CPU (Other CPU)"), std::string::npos);
}

TEST(CrossReport, CsvIsOneParsableLinePerCellWithTheRowsMediansAndSpeedUps) {
  const fs::path dir = test::scratch_dir();
  const fs::path csv = dir / "cross.csv", one = dir / "run1.json";
  ASSERT_EQ(run_zoo_bench(fmt::format("report {} {} --csv {}", quoted(recorded("run1.recomputed.json")),
                                      quoted(recorded("run2.recomputed.json")), quoted(csv)))
                .exit_code,
            kExitOk);
  // The run had failed rows: the single-file report keeps its exit code (1).
  ASSERT_EQ(run_zoo_bench(fmt::format("report {} --json {}", quoted(recorded("run1.recomputed.json")), quoted(one)))
                .exit_code,
            kExitFailed);
  // The CSV, parsed by python's csv module, against the single-file report's JSON rows (nlohmann).
  const fs::path dump = dir / "dump.py";
  test::write_file(dump,
                   "import csv, sys\n"
                   "for row in csv.DictReader(open(sys.argv[1], newline='')):\n"
                   "    if row['machine'] == 'H200 (run1.recomputed)':\n"
                   "        print(row['model'], row['files'], row['input_size'], row['backend_target'],\n"
                   "              row['median_ms'], row['speedup'] or '-', sep='\\t')\n");
  const auto parsed = test::run_python(dump, quoted(csv));
  ASSERT_EQ(parsed.exit_code, 0) << parsed.output;
  std::ifstream in(one);
  const json rows = json::parse(in).at("rows");
  int matched = 0;
  for (const auto& row : rows) {
    if (row.at("status") != "ok") continue;
    const auto& size = row.at("input_size");
    const std::string prefix =
        fmt::format("{}\t{}\t[{}, {}]\t{}\t{:.6g}\t", row.at("model").get<std::string>(), row.at("files").get<std::string>(),
                    size.at(0).get<int>(), size.at(1).get<int>(), row.at("backend_target").get<int>(),
                    row.at("median_ms").get<double>());
    EXPECT_NE(parsed.output.find(prefix), std::string::npos) << prefix << "\n" << parsed.output;
    ++matched;
  }
  EXPECT_EQ(matched, 51);
}

TEST(CrossReport, OneFileStillRecomputesAndCanDrawItsChart) {
  const fs::path dir = test::scratch_dir();
  const fs::path svg = dir / "one.svg", csv = dir / "one.csv";
  const auto r = run_zoo_bench(fmt::format("report {} --svg {} --csv {}", quoted(recorded("run1.recomputed.json")),
                                           quoted(svg), quoted(csv)));
  EXPECT_EQ(r.exit_code, kExitFailed) << "the run had failed rows, and report keeps the run's exit code";
  EXPECT_NE(r.output.find("GPU vs CPU"), std::string::npos) << r.output;
  EXPECT_NE(read_text(csv).find("median_ms"), std::string::npos);  // the single-file CSV: every row column
  EXPECT_NE(read_text(svg).find("<rect class=\"bar\""), std::string::npos);
}

TEST(CrossReport, JsonNeedsOneFile) {
  const fs::path dir = test::scratch_dir();
  const auto r = run_zoo_bench(fmt::format("report {} {} --json {}", quoted(recorded("run1.recomputed.json")),
                                           quoted(recorded("run2.recomputed.json")), quoted(dir / "x.json")));
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(r.output.find("--json takes one results file"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace zoobench
