// The first-run scripts, offline: scripts/fetch_data.sh against a mirror made here (file:// and a
// loopback HTTP server without byte ranges), its resume, SHA-1 refusal and one-line offline failure;
// scripts/fetch_models.sh falling back from a source with a wrong file to one with the zoo's file.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "test_support.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::write_file;

std::string script(const std::string& name) { return (test::source_dir() / "scripts" / name).string(); }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A data mirror with one zoo-style zip (face_detection/ with one file) and a table naming its SHA-1.
struct DataMirror {
  fs::path root, mirror, table;
};

DataMirror make_data_mirror() {
  DataMirror m;
  m.root = test::scratch_dir();
  m.mirror = m.root / "mirror";
  const fs::path src = m.root / "src";
  write_file(src / "face_detection" / "face.txt", std::string(200000, 'x') + "a face\n");
  fs::create_directories(m.mirror);
  // Python's zipfile: always there where the tests run (make_onnx.py needs python3 too).
  const auto zip = run_command(fmt::format(
      "cd '{}' && {} -c \"import zipfile; z = zipfile.ZipFile('{}/face_detection.zip', 'w'); "
      "z.write('face_detection/face.txt'); z.close()\"",
      src.string(), ZOO_BENCH_TEST_PYTHON, m.mirror.string()));
  EXPECT_EQ(zip.exit_code, 0) << zip.output;
  const auto sha = run_command(fmt::format("sha1sum '{}' | cut -d' ' -f1", (m.mirror / "face_detection.zip").string()));
  m.table = write_file(m.root / "table.tsv", "# test table\nface_detection\tface_detection.zip\tno-drive-id\t" +
                                                 sha.output.substr(0, 40) + "\n");
  return m;
}

test::CommandResult fetch_data(const DataMirror& m, const std::string& args) {
  return run_command(fmt::format("ZOO_BENCH_DATA_TABLE='{}' timeout 60 bash '{}' {}", m.table.string(),
                                 script("fetch_data.sh"), args));
}

TEST(FetchData, DownloadsChecksAndExtractsFromAMirrorThenKeepsWhatIsThere) {
  const DataMirror m = make_data_mirror();
  const fs::path dest = m.root / "data";
  const std::string args = fmt::format("--dest '{}' --mirror 'file://{}'", dest.string(), m.mirror.string());
  const auto first = fetch_data(m, args);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(read_text(dest / "face_detection" / "face.txt").find("a face"), std::string::npos);
  EXPECT_NE(first.output.find("1 fetched, 0 already present, 0 failed"), std::string::npos) << first.output;
  // Extraction keeps files already there, as the zoo's extract() does.
  write_file(dest / "face_detection" / "face.txt", "edited\n");
  const auto again = fetch_data(m, args);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already here, SHA-1 matches"), std::string::npos) << again.output;
  EXPECT_EQ(read_text(dest / "face_detection" / "face.txt"), "edited\n");
}

TEST(FetchData, ResumesAPartialDownload) {
  const DataMirror m = make_data_mirror();
  const fs::path dest = m.root / "data";
  fs::create_directories(dest);
  const std::string whole = read_text(m.mirror / "face_detection.zip");
  write_file(dest / "face_detection.zip.part", whole.substr(0, whole.size() / 2));
  const auto r = fetch_data(m, fmt::format("--dest '{}' --mirror 'file://{}'", dest.string(), m.mirror.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(fmt::format("resume  face_detection: face_detection.zip from {} bytes", whole.size() / 2)),
            std::string::npos)
      << r.output;
  EXPECT_EQ(read_text(dest / "face_detection.zip"), whole);
  EXPECT_FALSE(fs::exists(dest / "face_detection.zip.part"));
}

TEST(FetchData, RefusesAFileWithAnotherSha1AndExtractsNothing) {
  const DataMirror m = make_data_mirror();
  write_file(m.table, "face_detection\tface_detection.zip\tno-drive-id\t0000000000000000000000000000000000000000\n");
  const fs::path dest = m.root / "data";
  const auto r = fetch_data(m, fmt::format("--dest '{}' --mirror 'file://{}'", dest.string(), m.mirror.string()));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAILED  face_detection: SHA-1 "), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dest / "face_detection"));
  EXPECT_FALSE(fs::exists(dest / "face_detection.zip.part")) << "a wrong file is not kept to resume from";
}

TEST(FetchData, OfflineFailsAtOnceInOneLine) {
  const DataMirror m = make_data_mirror();
  // Port 1 on loopback: nothing listens, as with no network the connection is refused at once.
  const auto r = fetch_data(m, fmt::format("--dest '{}' --mirror http://127.0.0.1:1", (m.root / "data").string()));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.rfind("fetch_data: error: cannot reach http://127.0.0.1:1 (", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("use --from DIR"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(FetchData, OverHttpFromALoopbackServerWithoutByteRanges) {
  const DataMirror m = make_data_mirror();
  const fs::path dest = m.root / "data";
  fs::create_directories(dest);
  const std::string whole = read_text(m.mirror / "face_detection.zip");
  write_file(dest / "face_detection.zip.part", whole.substr(0, 100));  // Python's server cannot resume it
  // The server picks a free port and says which; it is stopped by its own pid, and by timeout at worst.
  const std::string command = fmt::format(
      "cd '{}' && (timeout 60 {} -u -m http.server 0 --bind 127.0.0.1 > server.log 2>&1 & echo $! > server.pid); "
      "for i in $(seq 50); do grep -q 'port [0-9]' server.log && break; sleep 0.1; done; "
      "port=$(grep -o 'port [0-9]*' server.log | head -n 1 | cut -d' ' -f2); "
      "ZOO_BENCH_DATA_TABLE='{}' timeout 60 bash '{}' --dest '{}' --mirror http://127.0.0.1:$port; rc=$?; "
      "kill $(cat server.pid); exit $rc",
      m.mirror.string(), ZOO_BENCH_TEST_PYTHON, m.table.string(), script("fetch_data.sh"), dest.string());
  const auto r = run_command(command);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_text(dest / "face_detection.zip"), whole);
  EXPECT_TRUE(fs::exists(dest / "face_detection" / "face.txt"));
}

TEST(FetchData, ImportsZipsFromALocalFolderAndRejectsUnknownNames) {
  const DataMirror m = make_data_mirror();
  const fs::path dest = m.root / "data";
  const auto r = fetch_data(m, fmt::format("--dest '{}' --from '{}' face_detection", dest.string(), m.mirror.string()));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dest / "face_detection" / "face.txt"));
  const auto unknown = fetch_data(m, "no_such_task");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown data name 'no_such_task'; the zoo's names are: face_detection"),
            std::string::npos)
      << unknown.output;
}

TEST(FetchData, TheZoosTableHasEveryTaskWithASha1) {
  std::ifstream in(test::source_dir() / "scripts" / "zoo_data.tsv");
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++rows;
    const auto last_tab = line.rfind('\t');
    ASSERT_NE(last_tab, std::string::npos) << line;
    EXPECT_EQ(line.size() - last_tab - 1, 40u) << "SHA-1 is 40 hex digits: " << line;
  }
  EXPECT_EQ(rows, 13);  // the zoo's download_data.py lists 13 data sets
}

TEST(FetchModels, FallsBackToTheNextSourceAndKeepsOnlyTheZoosFile) {
  const fs::path yunet = test::shared_models() / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx";
  if (!fs::exists(yunet)) GTEST_SKIP() << "real models not found";
  const fs::path root = test::scratch_dir();
  write_file(root / "bad" / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx", "not the model");
  fs::create_directories(root / "good" / "face_detection_yunet");
  fs::copy_file(yunet, root / "good" / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx");
  const auto r = run_command(fmt::format(
      "ZOO_BENCH_MODEL_SOURCES='file://{0}/bad/{{family}}/{{file}} file://{0}/good/{{family}}/{{file}}' timeout 60 "
      "bash '{1}' --only face_detection_yunet_2023mar.onnx --dest '{0}/models'",
      root.string(), script("fetch_models.sh")));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rejected the file from file://: size 13, expected 232589"), std::string::npos) << r.output;
  EXPECT_EQ(read_text(root / "models" / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx"), read_text(yunet));
  // Neither source has the right file: nothing is kept.
  const auto none = run_command(fmt::format(
      "ZOO_BENCH_MODEL_SOURCES='file://{0}/bad/{{family}}/{{file}}' timeout 60 bash '{1}' "
      "--only face_detection_yunet_2023mar.onnx --dest '{0}/models2'",
      root.string(), script("fetch_models.sh")));
  EXPECT_EQ(none.exit_code, 1) << none.output;
  EXPECT_FALSE(fs::exists(root / "models2" / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx"));
}

TEST(FetchModels, OfflineFailsAtOnceNamingEverySource) {
  const fs::path root = test::scratch_dir();
  const auto r = run_command(fmt::format(
      "ZOO_BENCH_MODEL_SOURCES='http://127.0.0.1:1/{{family}}/{{file}} http://127.0.0.1:1/hf/{{family}}/{{file}}' "
      "timeout 60 bash '{}' --only face_detection_yunet_2023mar.onnx --dest '{}/models'",
      script("fetch_models.sh"), root.string()));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("fetch_models: error: cannot reach http://127.0.0.1:1 ("), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--from DIR"), std::string::npos) << r.output;
}

// scripts/run_cpu.sh names exactly what is missing, and with --fetch gets it through the fetch scripts
// (from file:// mirrors here) before it runs zoo-bench.
TEST(RunCpu, SaysWhichModelsAndDataAreMissingAndFetchesThemWithFetch) {
  const fs::path yunet_dir = test::shared_models() / "face_detection_yunet";
  if (!fs::exists(yunet_dir / "face_detection_yunet_2023mar.onnx")) GTEST_SKIP() << "real models not found";
  const DataMirror m = make_data_mirror();
  const fs::path models = m.root / "models", data = m.root / "data";
  fs::create_directories(models / "face_detection_yunet");
  fs::create_directories(data);
  fs::create_directories(m.root / "model_mirror" / "face_detection_yunet");
  fs::copy_file(yunet_dir / "face_detection_yunet_2023mar.onnx",
                m.root / "model_mirror" / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx");
  const std::string env = fmt::format(
      "cd '{}' && ZOO_BENCH_MODELS_DIR='{}' ZOO_BENCH_DATA_DIR='{}' ZOO_BENCH_DATA_TABLE='{}' "
      "ZOO_BENCH_DATA_MIRROR='file://{}' ZOO_BENCH_MODEL_SOURCES='file://{}/model_mirror/{{family}}/{{file}}' ",
      test::source_dir().string(), models.string(), data.string(), m.table.string(), m.mirror.string(),
      m.root.string());
  const std::string run_cpu = fmt::format("timeout 120 bash '{}' --bin '{}'", script("run_cpu.sh"), ZOO_BENCH_BINARY);

  const auto told = run_command(env + run_cpu + " -- -c configs/face_detection_yunet.yaml --dry-run");
  ASSERT_EQ(told.exit_code, 0) << told.output;
  EXPECT_NE(told.output.find("model file(s) missing in " + models.string()), std::string::npos) << told.output;
  EXPECT_NE(told.output.find("\n  face_detection_yunet/face_detection_yunet_2023mar.onnx\n"), std::string::npos)
      << told.output;
  EXPECT_NE(told.output.find("1 data folder(s) missing or empty in " + data.string() + ": face_detection"),
            std::string::npos)
      << told.output;
  // The hint is this command with --fetch added, the user's own selection kept (not a bare --fetch: --all).
  EXPECT_NE(told.output.find("add --fetch to this command, scripts/run_cpu.sh --fetch --bin "), std::string::npos)
      << told.output;
  EXPECT_NE(told.output.find(" -- -c configs/face_detection_yunet.yaml --dry-run (or scripts/fetch_models.sh"),
            std::string::npos) << told.output;
  EXPECT_FALSE(fs::exists(models / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx"))
      << "nothing is fetched without --fetch";

  const auto fetched = run_command(env + run_cpu + " --fetch -- -c configs/face_detection_yunet.yaml --dry-run");
  ASSERT_EQ(fetched.exit_code, 0) << fetched.output;
  EXPECT_EQ(read_text(models / "face_detection_yunet" / "face_detection_yunet_2023mar.onnx"),
            read_text(yunet_dir / "face_detection_yunet_2023mar.onnx"));
  EXPECT_TRUE(fs::exists(data / "face_detection" / "face.txt")) << fetched.output;
  // Only the selection's file was asked for, so the mirror had everything; zoo-bench then runs (here: its plan).
  EXPECT_EQ(fetched.output.find("fetch_models.sh could not fetch everything"), std::string::npos) << fetched.output;
  EXPECT_NE(fetched.output.find("face_detection_yunet_2023mar.onnx']"), std::string::npos) << fetched.output;

  // What is there now is no longer listed.
  const auto after = run_command(env + run_cpu + " -- -c configs/face_detection_yunet.yaml --dry-run");
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(after.output.find("  face_detection_yunet/face_detection_yunet_2023mar.onnx\n"), std::string::npos)
      << after.output;
  EXPECT_EQ(after.output.find("data folder(s) missing"), std::string::npos) << after.output;
}

// Offline, --fetch gets nothing and nothing is measured: zoo-bench's code 3 goes through (not 0), and the
// script neither points at a "Not measured" table nor advises the --fetch that was given.
TEST(RunCpu, AFetchThatFailsOfflineAndMeasuresNothingExitsThree) {
  const fs::path root = test::scratch_dir() / "run_cpu_offline";
  fs::remove_all(root);
  fs::create_directories(root / "models");
  fs::create_directories(root / "data");
  const auto r = run_command(fmt::format(
      "cd '{}' && ZOO_BENCH_DATA_MIRROR=http://127.0.0.1:1 "
      "ZOO_BENCH_MODEL_SOURCES='http://127.0.0.1:1/{{family}}/{{file}}' timeout 120 bash '{}' --bin '{}' --fetch -- "
      "--models-dir '{}' --data-dir '{}' -c configs/face_detection_yunet.yaml",
      test::source_dir().string(), script("run_cpu.sh"), ZOO_BENCH_BINARY, (root / "models").string(),
      (root / "data").string()));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("fetch_models.sh could not fetch everything"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--fetch could not get everything"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("'Not measured' above"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("add --fetch"), std::string::npos) << r.output;

  // Without --fetch, absent models are a first run's normal state: code 0, and the hint is this command
  // with --fetch.
  const auto plain = run_command(fmt::format(
      "cd '{}' && timeout 120 bash '{}' --bin '{}' -- --models-dir '{}' --data-dir '{}' "
      "-c configs/face_detection_yunet.yaml",
      test::source_dir().string(), script("run_cpu.sh"), ZOO_BENCH_BINARY, (root / "models").string(),
      (root / "data").string()));
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_NE(plain.output.find("to fetch what is missing, add --fetch to this command: scripts/run_cpu.sh --fetch --bin"),
            std::string::npos) << plain.output;
}

// Only what the selection needs: one config selected, its model files and its data folder, nothing of
// the other configs (an empty models folder and data root, no network: nothing is fetched without --fetch).
TEST(RunCpu, ListsOnlyWhatTheSelectedConfigsNeed) {
  const fs::path root = test::scratch_dir() / "run_cpu_selection";
  fs::remove_all(root);
  fs::create_directories(root / "models");
  fs::create_directories(root / "data");
  const std::string run_cpu =
      fmt::format("cd '{}' && timeout 120 bash '{}' --bin '{}' -- --models-dir '{}' --data-dir '{}' ",
                  test::source_dir().string(), script("run_cpu.sh"), ZOO_BENCH_BINARY, (root / "models").string(),
                  (root / "data").string());

  const auto one = run_command(run_cpu + "-c configs/face_detection_yunet.yaml --dry-run");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_NE(one.output.find("1 model file(s) missing in " + (root / "models").string() +
                            ":\n  face_detection_yunet/face_detection_yunet_2023mar.onnx\n"),
            std::string::npos)
      << one.output;
  EXPECT_NE(one.output.find("1 data folder(s) missing or empty in " + (root / "data").string() + ": face_detection\n"),
            std::string::npos)
      << one.output;
  EXPECT_NE(one.output.find("scripts/fetch_models.sh --dest " + (root / "models").string() +
                            " --only face_detection_yunet)"),
            std::string::npos)
      << one.output;
  EXPECT_EQ(one.output.find("text_recognition"), std::string::npos) << "not selected:\n" << one.output;

  // Two configs (palm detection's zoo data name differs from its folder): both, and only both.
  const auto two = run_command(run_cpu + "-c configs/face_detection_yunet.yaml -c configs/palm_detection_mediapipe.yaml "
                               "--dry-run");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  EXPECT_NE(two.output.find("2 data folder(s) missing or empty in " + (root / "data").string() +
                            ": face_detection palm_detection\n"),
            std::string::npos)
      << two.output;
  EXPECT_EQ(two.output.find("text_recognition"), std::string::npos) << two.output;
}

}  // namespace
}  // namespace zoobench
