// End-to-end tests of the zoo-bench binary: exit codes, failure rows, file outputs, real models.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "zoobench/device/device.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using test::run_zoo_bench;
using test::write_file;

struct Workspace {
  fs::path root, configs, models, data;
};

// A configs/models/data tree: the real YuNet 2023mar and YOLOX-Nano files, plus face and object images.
Workspace make_workspace() {
  Workspace w;
  w.root = test::scratch_dir();
  w.configs = w.root / "configs";
  w.models = w.root / "models";
  w.data = w.root / "data";
  fs::create_directories(w.configs);
  for (const char* name : {"face_detection_yunet.yaml", "object_detection_yolox.yaml"}) {
    fs::copy_file(test::source_dir() / "configs" / name, w.configs / name);
  }
  fs::create_directories(w.models / "face_detection_yunet");
  fs::create_directories(w.models / "object_detection_yolox");
  fs::copy_file(test::shared_models() / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx",
                w.models / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx");
  fs::copy_file(test::shared_models() / "object_detection_yolox" / "yolox_nano.onnx",
                w.models / "object_detection_yolox" / "yolox_nano.onnx");
  fs::create_directories(w.data / "face_detection");
  fs::create_directories(w.data / "object_detection");
  fs::copy_file(test::shared_data() / "images" / "lena.jpg", w.data / "face_detection" / "lena.jpg");
  fs::copy_file(test::shared_data() / "images" / "bus.jpg", w.data / "object_detection" / "bus.jpg");
  return w;
}

std::string dirs(const Workspace& w) {
  return "--configs-dir '" + w.configs.string() + "' --models-dir '" + w.models.string() + "' --data-dir '" +
         w.data.string() + "'";
}

bool have_real_models() {
  return fs::exists(test::shared_models() / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx") &&
         fs::exists(test::shared_models() / "object_detection_yolox" / "yolox_nano.onnx");
}

TEST(Cli, UnknownFlagPrintsUsageAndExits2) {
  const auto r = run_zoo_bench("--no-such-flag");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--no-such-flag"), std::string::npos) << r.output;
}

TEST(Cli, NothingToRunIsAUsageError) {
  const auto r = run_zoo_bench("");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("give --all or --cfg"), std::string::npos) << r.output;
}

TEST(Cli, BackendTargetOutOfRangeIsRejected) {
  EXPECT_EQ(run_zoo_bench("--all --backend-target 7").exit_code, 2);
}

TEST(Cli, RequireCudaNeedsACudaTarget) {
  const auto r = run_zoo_bench("--all --backend-target 0 --require-cuda");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--require-cuda needs a CUDA target"), std::string::npos) << r.output;
}

TEST(Cli, RealYuNetAndYoloxNanoRunEndToEnd) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found under " << test::shared_models();
  const Workspace w = make_workspace();
  const fs::path json = w.root / "out.json";
  const fs::path csv = w.root / "out.csv";
  const auto r = run_zoo_bench("--all " + dirs(w) + " --warmup 1 --repeat 4 --json '" + json.string() + "' --csv '" +
                               csv.string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // The zoo's row layout: mean, median, min, [w, h], model with ['file'].
  EXPECT_NE(r.output.find("[160, 120]   YuNet with ['face_detection_yunet_2023mar.onnx']"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[640, 640]   YoloX with ['yolox_nano.onnx']"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Results (median of trial medians"), std::string::npos) << r.output;

  std::ifstream in(json);
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["complete"], true);
  ASSERT_EQ(j["records"].size(), 2u);
  for (const auto& record : j["records"]) {
    EXPECT_EQ(record["status"], "ok");
    EXPECT_EQ(record["samples_ms"]["infer"].size(), 4u);  // 1 image x 4 repeats; warm-up not counted
    EXPECT_EQ(record["answers"].size(), 1u);              // one structured answer per image
  }
  ASSERT_EQ(j["rows"].size(), 2u);
  for (const auto& row : j["rows"]) {
    EXPECT_EQ(row["n"], 4);
    EXPECT_GT(row["infer_ms"].get<double>(), 0.0);
  }
  // YOLOX-Nano runs at its declared 416x416, whatever the loader's size label says.
  EXPECT_EQ(j["rows"][1]["net_input"], nlohmann::json::parse("[[1, 3, 416, 416]]")) << j["rows"][1];
  EXPECT_NE(j["records"][0]["result"].get<std::string>().find("1 faces"), std::string::npos) << j["records"][0]["result"];
  EXPECT_EQ(j["records"][0]["answers"][0]["detections"].size(), 1u);
  std::ifstream csv_in(csv);
  std::string header;
  std::getline(csv_in, header);
  EXPECT_EQ(header.rfind("config,model,files,precision,backend_target,", 0), 0u) << header;
}

TEST(Cli, EachBadModelFileGetsItsOwnFailedRowAndTheRunContinues) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found";
  const Workspace w = make_workspace();
  // A Git LFS pointer and a corrupt file beside the good YuNet; MobileNet's config with no models at all.
  write_file(w.models / "face_detection_yunet" / "face_detection_yunet_2023mar_int8.onnx",
             "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 100416\n");
  write_file(w.models / "face_detection_yunet" / "face_detection_yunet_2023mar_int8bq.onnx", "\x08\x07garbage");
  fs::copy_file(test::source_dir() / "configs" / "image_classification_mobilenet.yaml",
                w.configs / "image_classification_mobilenet.yaml");
  const auto r = run_zoo_bench("--all " + dirs(w) + " --warmup 0 --repeat 1");
  EXPECT_EQ(r.exit_code, 1) << r.output;  // something failed
  EXPECT_NE(r.output.find("YuNet with ['face_detection_yunet_2023mar.onnx']"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("is a Git LFS pointer, not the model: run 'git lfs install && git lfs pull'"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("face_detection_yunet_2023mar_int8bq.onnx: not a valid ONNX model"), std::string::npos)
      << r.output;
  // The absent MobileNet is one summary line with the command, not a row per target.
  EXPECT_EQ(r.output.find("missing    -"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Absent models (1): MobileNet; fetch them with: scripts/fetch_models.sh --only "
                          "image_classification_mobilenet"),
            std::string::npos)
      << r.output;
  const auto verbose = run_zoo_bench("--all " + dirs(w) + " --warmup 0 --repeat 1 --verbose");
  EXPECT_EQ(verbose.exit_code, 1) << verbose.output;
  EXPECT_NE(verbose.output.find("missing    -"), std::string::npos) << verbose.output;
  EXPECT_NE(verbose.output.find("no model files in"), std::string::npos) << verbose.output;
  EXPECT_EQ(verbose.output.find("Absent models (1)"), std::string::npos) << verbose.output;
  EXPECT_NE(r.output.find("YoloX with ['yolox_nano.onnx']"), std::string::npos) << "later configs still ran";
}

TEST(Cli, AbsentModelsOnlyGiveExit3) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found under " << test::shared_models();
  const Workspace w = make_workspace();
  fs::remove_all(w.models / "object_detection_yolox");
  fs::remove(w.configs / "face_detection_yunet.yaml");
  const auto r = run_zoo_bench("--all " + dirs(w) + " --warmup 0 --repeat 1");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("Absent models (1): YoloX; fetch them with: scripts/fetch_models.sh --only "
                          "object_detection_yolox"),
            std::string::npos)
      << r.output;
}

TEST(Cli, MissingImageIsAFailedRowNamingTheFile) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found";
  const Workspace w = make_workspace();
  write_file(w.configs / "face_detection_yunet.yaml", R"(Benchmark:
  type: Detection
  data: {path: data/face_detection, files: [lena.jpg, not_there.jpg], sizes: [[160, 120]]}
  metric: {warmup: 0, repeat: 1}
Model: {name: YuNet}
)");
  const auto r = run_zoo_bench("--all " + dirs(w));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("not_there.jpg' is missing or unreadable"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("YoloX with ['yolox_nano.onnx']"), std::string::npos) << r.output;
}

TEST(Cli, BrokenConfigNamedWithCfgIsAUsageErrorWithFileKeyAndLine) {
  const fs::path cfg = write_file(test::scratch_dir() / "broken.yaml",
                                  "Benchmark:\n  data: {path: x}\n  metric:\n    warmup: lots\nModel: {name: YuNet}\n");
  const auto r = run_zoo_bench("-c '" + cfg.string() + "'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("broken.yaml:4: key 'Benchmark.metric.warmup' must be an integer, got 'lots'"),
            std::string::npos)
      << r.output;
}

TEST(Cli, ListShowsPresentAndAbsentFiles) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found under " << test::shared_models();
  const Workspace w = make_workspace();
  fs::copy_file(test::source_dir() / "configs" / "image_classification_ppresnet.yaml",
                w.configs / "image_classification_ppresnet.yaml");
  const auto r = run_zoo_bench("--list " + dirs(w));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto line_with = [&](const std::string& needle) {
    const auto pos = r.output.find(needle);
    if (pos == std::string::npos) return std::string();
    const auto start = r.output.rfind('\n', pos) + 1;
    return r.output.substr(start, r.output.find('\n', pos) - start);
  };
  const std::string yunet = line_with("face_detection_yunet/face_detection_yunet_2023mar.onnx");
  EXPECT_NE(yunet.find("present"), std::string::npos) << r.output;
  const std::string resnet = line_with("image_classification_ppresnet/image_classification_ppresnet50_2022jan.onnx");
  EXPECT_NE(resnet.find("absent"), std::string::npos) << r.output;
}

// --list shows what a run with the same selection flags would run: precision flags and --model-exclude apply
// to present files and to the absent files of a family that has some; a family with none is absent whatever
// the precision (the catalog names only the zoo's fp32 files), in the list and in the run alike.
TEST(Cli, ListAppliesPrecisionFlagsAndModelExclude) {
  const std::string yunet_fp32 = "face_detection_yunet/face_detection_yunet_2023mar.onnx";
  const std::string yunet_int8 = "face_detection_yunet/face_detection_yunet_2023mar_int8.onnx";
  const std::string yolox = "object_detection_yolox/yolox_nano.onnx";
  const std::string yolox_absent = "object_detection_yolox/object_detection_yolox_2022nov.onnx";
  if (!have_real_models() || !fs::exists(test::shared_models() / yunet_int8)) {
    GTEST_SKIP() << "real models not found under " << test::shared_models();
  }
  const Workspace w = make_workspace();
  fs::copy_file(test::shared_models() / yunet_int8, w.models / yunet_int8);
  fs::copy_file(test::source_dir() / "configs" / "image_classification_ppresnet.yaml",
                w.configs / "image_classification_ppresnet.yaml");  // no PPResNet file at all
  auto row = [](const std::string& output, const std::string& file) {
    const auto pos = output.find(file + " ");
    if (pos == std::string::npos) return std::string();
    const auto start = output.rfind('\n', pos) + 1;
    return output.substr(start, output.find('\n', pos) - start);
  };

  const auto all = run_zoo_bench("--list " + dirs(w));
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(row(all.output, yunet_fp32).find("present"), std::string::npos) << all.output;
  EXPECT_NE(row(all.output, yunet_int8).find("present"), std::string::npos) << all.output;
  EXPECT_NE(row(all.output, yolox).find("present"), std::string::npos) << all.output;
  EXPECT_NE(row(all.output, yolox_absent).find("absent"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("image_classification_ppresnet50_2022jan.onnx"), std::string::npos) << all.output;

  const auto int8 = run_zoo_bench("--list --int8 " + dirs(w));
  ASSERT_EQ(int8.exit_code, 0) << int8.output;
  EXPECT_NE(row(int8.output, yunet_int8).find("present"), std::string::npos) << int8.output;
  for (const std::string& fp32 : {yunet_fp32, yolox, yolox_absent}) {
    EXPECT_EQ(int8.output.find(fp32 + " "), std::string::npos) << fp32 << " listed under --int8:\n" << int8.output;
  }
  const std::string ppresnet = "image_classification_ppresnet/image_classification_ppresnet50_2022jan.onnx";
  EXPECT_NE(row(int8.output, ppresnet).find("absent"), std::string::npos) << int8.output;
  // The run agrees: PPResNet is missing, YuNet int8 runs, YOLOX (fp32 files only, present) has no item.
  const auto plan = run_zoo_bench("--dry-run --int8 " + dirs(w));
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  EXPECT_NE(plan.output.find("missing: no model files in"), std::string::npos) << plan.output;
  EXPECT_NE(plan.output.find("yunet_2023mar_int8.onnx"), std::string::npos) << plan.output;
  EXPECT_EQ(plan.output.find("yolox_nano.onnx"), std::string::npos) << plan.output;

  const auto excluded = run_zoo_bench("--list --model-exclude 2023mar:2022nov:2022jan " + dirs(w));
  ASSERT_EQ(excluded.exit_code, 0) << excluded.output;
  EXPECT_EQ(excluded.output.find("yunet_2023mar"), std::string::npos) << excluded.output;
  EXPECT_EQ(excluded.output.find(yolox_absent), std::string::npos) << excluded.output;
  EXPECT_EQ(excluded.output.find(ppresnet), std::string::npos) << excluded.output;
  EXPECT_NE(row(excluded.output, yolox).find("present"), std::string::npos) << excluded.output;
  // Files on disk but none of the selected precision: the absent default file is listed and the run
  // reports the family missing (not silently nothing).
  fs::remove(w.models / yunet_fp32);
  const auto fp32_list = run_zoo_bench("--list --fp32 " + dirs(w));
  EXPECT_NE(row(fp32_list.output, yunet_fp32).find("absent"), std::string::npos) << fp32_list.output;
  EXPECT_EQ(fp32_list.output.find(yunet_int8), std::string::npos) << fp32_list.output;
  const auto fp32_plan = run_zoo_bench("--dry-run --fp32 " + dirs(w));
  EXPECT_NE(fp32_plan.output.find("missing: no selected model files in"), std::string::npos) << fp32_plan.output;
  // Excluding every file of an absent family drops it from the run too.
  const auto excluded_plan = run_zoo_bench("--dry-run --model-exclude 2023mar:2022nov:2022jan " + dirs(w));
  ASSERT_EQ(excluded_plan.exit_code, 0) << excluded_plan.output;
  EXPECT_EQ(excluded_plan.output.find("PPResNet"), std::string::npos) << excluded_plan.output;
}

TEST(Cli, RequireCudaFailsWhenCudaIsNotReallyUsed) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found";
  if (current_build_facts().cuda) GTEST_SKIP() << "this OpenCV has CUDA; the GPU machine's runs are recorded instead";
  const Workspace w = make_workspace();
  const auto r = run_zoo_bench("-c '" + (w.configs / "face_detection_yunet.yaml").string() + "' " + dirs(w) +
                               " --backend-target 0,1 --warmup 0 --repeat 1 --require-cuda");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("on CUDA (trial 1/3)  CPU FALLBACK: whole net on CPU"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--require-cuda: YuNet"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("CPU FALLBACK"), std::string::npos);
}

// The live progress line: under a pseudo-terminal (util-linux's `script`), on stderr, erased before
// each table row; never in a pipe or with --quiet.
bool have_script() { return test::run_command("command -v script >/dev/null").exit_code == 0; }

test::CommandResult run_under_terminal(const std::string& args, int columns = 200) {
  // stty sets the pseudo-terminal's width (200: the whole line fits); `script` returns the command's exit code.
  const std::string inner = fmt::format("stty cols {}; COLUMNS={} '{}' {}", columns, columns, ZOO_BENCH_BINARY, args);
  return test::run_command(fmt::format("script -qfec \"{}\" /dev/null </dev/null", inner));
}

constexpr const char* kEraseLine = "\r\033[K";

TEST(CliProgress, LiveLineOnATerminalNamesItemConfigModelTargetTrialAndEta) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found";
  if (!have_script()) GTEST_SKIP() << "util-linux 'script' not installed";
  const Workspace w = make_workspace();
  const auto r = run_under_terminal("--all " + dirs(w) + " --warmup 0 --repeat 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(std::string(kEraseLine) + "[1/2] config 1/2 face_detection_yunet.yaml: YuNet "
                          "['face_detection_yunet_2023mar.onnx'] on CPU, trial 1/1, ETA after the first benchmark"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(std::string(kEraseLine) + "[2/2] config 2/2 object_detection_yolox.yaml: YoloX "
                          "['yolox_nano.onnx'] on CPU, trial 1/1, ETA 0:"),
            std::string::npos)
      << r.output;
  // Erased before each row and before the tables: no table line starts with the progress text.
  EXPECT_NE(r.output.find("ETA after the first benchmark" + std::string(kEraseLine)), std::string::npos) << r.output;
  const auto results = r.output.find("\nResults");
  ASSERT_NE(results, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("ETA", results), std::string::npos) << r.output;
}

TEST(CliProgress, NoLineWhenStderrIsNotATerminalOrWithQuiet) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found";
  const Workspace w = make_workspace();
  const auto piped = run_zoo_bench("--all " + dirs(w) + " --warmup 0 --repeat 1");
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(piped.output.find("ETA"), std::string::npos) << piped.output;
  EXPECT_EQ(piped.output.find('\r'), std::string::npos) << piped.output;
  EXPECT_NE(piped.output.find("YuNet with ['face_detection_yunet_2023mar.onnx']"), std::string::npos) << piped.output;
  if (!have_script()) GTEST_SKIP() << "util-linux 'script' not installed";
  const auto quiet = run_under_terminal("--all " + dirs(w) + " --warmup 0 --repeat 1 --quiet");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output.find("ETA"), std::string::npos) << quiet.output;
  EXPECT_EQ(quiet.output.find("\033[K"), std::string::npos) << quiet.output;
  // --quiet: the tables, without the zoo-style row per benchmark.
  EXPECT_EQ(quiet.output.find("YuNet with ['face_detection_yunet_2023mar.onnx']"), std::string::npos) << quiet.output;
  EXPECT_NE(quiet.output.find("Results (median"), std::string::npos) << quiet.output;
}

TEST(CliProgress, At80ColumnsTheModelNameIsShortenedAndTargetTrialAndEtaStay) {
  if (!have_real_models()) GTEST_SKIP() << "real models not found";
  if (!have_script()) GTEST_SKIP() << "util-linux 'script' not installed";
  const Workspace w = make_workspace();
  const auto r = run_under_terminal("--all " + dirs(w) + " --warmup 0 --repeat 1", 80);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The config name gives way before the model: the file stem's end ("_2023mar") stays visible.
  const std::string first = std::string(kEraseLine) + "[1/2] config 1/2 ...";
  const auto at = r.output.find(first);
  ASSERT_NE(at, std::string::npos) << r.output;
  const std::string line = r.output.substr(at + 4, r.output.find('\r', at + 4) - at - 4);
  EXPECT_EQ(line.size(), 79u) << line;
  EXPECT_NE(line.find("_2023mar on CPU, trial 1/1, ETA after the first benchmark"), std::string::npos) << line;
  EXPECT_NE(r.output.find("[2/2] config 2/2 YoloX ['yolox_nano.onnx'] on CPU, trial 1/1, ETA 0:"), std::string::npos)
      << r.output;
}

TEST(CliProgress, QuietAndVerboseExcludeEachOther) {
  const auto r = run_zoo_bench("--all --quiet --verbose");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("excludes"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace zoobench
