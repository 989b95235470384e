// The Tracking metric (tracking_runner), the tracking video loader (video), and the tracker families
// VitTrack (cv::TrackerVit, OpenCV >= 4.9) and DaSiamRPN (cv::TrackerDaSiamRPN).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/dasiamrpn.hpp"
#include "zoobench/models/vittrack.hpp"
#include "zoobench/input/video.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using test::scratch_dir;
using test::write_file;

constexpr int kSquare = 16;

// Frame i of the synthetic clip: a white square on black, moving 3 px right per frame.
cv::Mat synthetic_frame(cv::Size size, int i) {
  cv::Mat frame(size, CV_8UC3, cv::Scalar::all(0));
  cv::rectangle(frame, cv::Rect(10 + 3 * i, size.height / 2 - kSquare / 2, kSquare, kSquare), cv::Scalar::all(255),
                cv::FILLED);
  return frame;
}

// A Motion-JPEG AVI through OpenCV's own MJPEG writer, which every build has (no FFmpeg needed). Keep
// sizes multiples of 16: FFmpeg's decoder reports "error dc" on the partial last MCU row of 4.6's files.
fs::path write_mjpg(const fs::path& file, int frames, cv::Size size = {160, 128}) {
  fs::create_directories(file.parent_path());
  cv::VideoWriter writer(file.string(), cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25, size);
  EXPECT_TRUE(writer.isOpened()) << "cv::VideoWriter cannot write " << file;
  for (int i = 0; i < frames; ++i) writer.write(synthetic_frame(size, i));
  return file;
}

// A tracker whose answers are known: each update returns the init box moved 1 px right per update,
// score 0.75. It checks that init sees the first frame (the square at its frame-0 place). It can be
// told to be slow on every init and on the first update after the first init only (a net setting up).
class FakeTracker final : public Tracker {
 public:
  struct Log {
    std::vector<cv::Rect> inits;
    int updates = 0;
    int inits_on_first_frame = 0;
    int init_sleep_ms = 0;        // every init
    int cold_update_sleep_ms = 0; // the first update after the first init
  };
  explicit FakeTracker(Log& log) : m_log(log) {}

  void init(const cv::Mat& frame, const cv::Rect& roi) override {
    m_log.inits.push_back(roi);
    // Column 11 is inside frame 0's square (x 10..25) only: frame 1's starts at x 13.
    if (frame.at<cv::Vec3b>(frame.rows / 2, 11)[0] > 200) ++m_log.inits_on_first_frame;
    m_box = roi;
    if (m_log.init_sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(m_log.init_sleep_ms));
  }
  TrackResult update(const cv::Mat& /*frame*/) override {
    const bool cold = m_log.inits.size() == 1 && m_log.updates == 0;
    if (cold && m_log.cold_update_sleep_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(m_log.cold_update_sleep_ms));
    }
    ++m_log.updates;
    m_box.x += 1;
    return {true, m_box, 0.75f};
  }
  std::string stage_note() const override { return "fake: update timed as inference"; }

 private:
  Log& m_log;
  cv::Rect m_box;
};

BenchmarkConfig tracking_config(const fs::path& dir, const std::string& files_yaml = "") {
  return load_config(write_file(dir / "track.yaml", fmt::format(R"(Benchmark:
  type: "Tracking"
  data:
    type: "TrackingVideoLoader"
    path: "{}"
{}  metric:
    type: "Tracking"
Model:
  name: "Fake"
)",
                                                                (dir / "data").string(), files_yaml)));
}

struct Collected {
  std::vector<RunRecord> records;
  std::vector<std::string> warnings;
};

Collected run_fake(const BenchmarkConfig& config, FakeTracker::Log& log, int warmup,
                   std::vector<BackendTarget> pairs = {backend_target_at(0)}) {
  const Family family = zoobench::family("Fake").folder("fake").task("tracking").files({"fake.onnx"})
      .tracker([&log](const ModelContext&) { return std::make_unique<FakeTracker>(log); });
  const fs::path models = config.file.parent_path() / "models";
  write_file(models / "fake" / "fake.onnx", "stand-in: the fake tracker never reads it");
  PlanOptions options;
  options.models_dir = models;
  options.warmup = warmup;
  for (const auto& p : pairs) options.backend_targets.push_back(p.index);
  options.trials = 1;
  options.cpu_baseline = false;
  Collected out;
  out.records = test::run_family(config, family, options);
  return out;
}

// --- the metric -------------------------------------------------------------------------------------

TEST(TrackingMetric, CountsEveryFrameOfEveryRoiAfterWarmupAndReportsInitApart) {
  const fs::path dir = scratch_dir();
  write_mjpg(dir / "data" / "square.avi", 20);
  write_file(dir / "data" / "square.txt", "10,52,16,16\n5 50 20 20\n");
  const BenchmarkConfig config = tracking_config(dir);
  FakeTracker::Log log;
  const Collected out = run_fake(config, log, 3);

  ASSERT_EQ(out.records.size(), 1u);
  const RunRecord& r = out.records[0];
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  EXPECT_EQ(r.input_size, cv::Size(160, 128));
  // Both ROIs kept (the zoo keeps the last one only): 2 x (20 frames - 1 init frame - 3 warm-up).
  EXPECT_EQ(r.samples.total.size(), 2u * (20 - 1 - 3));
  EXPECT_EQ(r.samples.infer, r.samples.total);
  for (double ms : r.samples.preprocess) EXPECT_EQ(ms, 0.0);
  for (double ms : r.samples.postprocess) EXPECT_EQ(ms, 0.0);
  // Init is timed once per ROI and kept out of the samples.
  ASSERT_EQ(r.init_ms.size(), 2u);
  EXPECT_EQ(log.updates, 2 * 19);  // warm-up updates run, they are just not counted
  ASSERT_EQ(log.inits.size(), 2u);
  EXPECT_EQ(log.inits[0], cv::Rect(10, 52, 16, 16));
  EXPECT_EQ(log.inits[1], cv::Rect(5, 50, 20, 20));
  EXPECT_EQ(log.inits_on_first_frame, 2) << "each ROI must restart from the first frame";
  EXPECT_EQ(r.warmup, 3);
  EXPECT_EQ(r.note, "fake: update timed as inference");
  // The last ROI's last box: (5, 50) moved 19 px right.
  EXPECT_EQ(r.result, "2 ROIs, 38 updates; last box [24, 50, 20, 20] score 0.75") << r.result;
}

TEST(TrackingMetric, FirstCallIsTheColdFirstUpdateAfterTheFirstInit) {
  const fs::path dir = scratch_dir();
  write_mjpg(dir / "data" / "square.avi", 8);
  write_file(dir / "data" / "square.txt", "10,52,16,16\n5 50 20 20\n");
  const BenchmarkConfig config = tracking_config(dir);
  FakeTracker::Log log;
  log.init_sleep_ms = 80;
  log.cold_update_sleep_ms = 30;  // only the first update after the first init: the net sets up
  const Collected out = run_fake(config, log, 1);
  ASSERT_EQ(out.records.size(), 1u);
  const RunRecord& r = out.records[0];
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  // The cold update is the first call; a later update (the first sampled one, or the first after the
  // second init) would be fast, and the init is not part of it (else it would be 110 ms or more).
  EXPECT_GE(r.first_call_ms, 30.0);
  EXPECT_LT(r.first_call_ms, 80.0) << "the init's 80 ms are reported apart, not in the first call";
  // The cold update was a warm-up update: no sample holds it.
  ASSERT_EQ(r.samples.total.size(), 2u * (8 - 1 - 1));
  for (double ms : r.samples.total) EXPECT_LT(ms, 30.0) << "the cold update was sampled";
  // Both inits are timed apart, once per ROI, and are not samples either.
  ASSERT_EQ(r.init_ms.size(), 2u);
  for (double ms : r.init_ms) EXPECT_GE(ms, 80.0);
  EXPECT_EQ(log.updates, 2 * 7);
}

TEST(TrackingMetric, FrameFolderAndVideosGroupedByFrameSize) {
  const fs::path dir = scratch_dir();
  write_mjpg(dir / "data" / "a_small.avi", 10);
  write_file(dir / "data" / "a_small.txt", "10,52,16,16\n");
  for (int i = 0; i < 8; ++i) {
    const fs::path frame = dir / "data" / "b_frames" / fmt::format("{:04d}.png", i);
    fs::create_directories(frame.parent_path());
    cv::imwrite(frame.string(), synthetic_frame({160, 128}, i));
  }
  write_file(dir / "data" / "b_frames.txt", "10 52 16 16\n");
  write_mjpg(dir / "data" / "c_large.avi", 12, {320, 240});
  write_file(dir / "data" / "c_large.txt", "10,112,16,16\n");
  write_file(dir / "data" / "notes.md", "not a video");

  const BenchmarkConfig config = tracking_config(dir);
  FakeTracker::Log log;
  const Collected out = run_fake(config, log, 2);
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[0].input_size, cv::Size(160, 128));
  EXPECT_EQ(out.records[0].samples.total.size(), (10u - 1 - 2) + (8u - 1 - 2));  // the AVI and the frame folder
  EXPECT_EQ(out.records[0].init_ms.size(), 2u);
  EXPECT_GT(out.records[0].load_ms, 0);
  EXPECT_EQ(out.records[1].input_size, cv::Size(320, 240));
  EXPECT_EQ(out.records[1].samples.total.size(), 12u - 1 - 2);
  EXPECT_EQ(out.records[1].load_ms, 0);  // loaded once, before the first size
}

TEST(TrackingMetric, VideoTooShortForTheWarmupFailsWithTheFix) {
  const fs::path dir = scratch_dir();
  write_mjpg(dir / "data" / "short.avi", 3);
  write_file(dir / "data" / "short.txt", "10,52,16,16\n");
  const BenchmarkConfig config = tracking_config(dir);
  FakeTracker::Log log;
  const Collected out = run_fake(config, log, 5);
  ASSERT_EQ(out.records.size(), 1u);
  EXPECT_EQ(out.records[0].status, Status::Failed);
  EXPECT_NE(out.records[0].message.find("lower --warmup"), std::string::npos) << out.records[0].message;
}

TEST(TrackingMetric, DataErrorBecomesAFailedRecordPerBackendTarget) {
  const fs::path dir = scratch_dir();
  write_mjpg(dir / "data" / "square.avi", 5);  // no square.txt
  const BenchmarkConfig config = tracking_config(dir);
  FakeTracker::Log log;
  const Collected out = run_fake(config, log, 1, {backend_target_at(0), backend_target_at(1)});
  ASSERT_EQ(out.records.size(), 2u);
  for (const auto& r : out.records) {
    EXPECT_EQ(r.status, Status::Failed);
    EXPECT_NE(r.message.find("no first-frame ROI file"), std::string::npos) << r.message;
  }
  EXPECT_TRUE(log.inits.empty());
}

// --- the loader ---------------------------------------------------------------------------------------

std::string data_error(const BenchmarkConfig& config) {
  try {
    load_tracking_inputs(config, "/unused");
  } catch (const DataError& e) {
    return e.what();
  }
  return "no DataError";
}

TEST(TrackingLoader, UndecodableVideoSaysWhatToUseInstead) {
  const fs::path dir = scratch_dir();
  write_file(dir / "data" / "throw_cup.mp4", std::string(4096, '\x07'));  // not a video any backend reads
  write_file(dir / "data" / "throw_cup.txt", "1,2,3,4\n");
  const std::string e = data_error(tracking_config(dir));
  EXPECT_NE(e.find(fmt::format("OpenCV here cannot decode {} (built without FFmpeg?): use the Motion-JPEG .avi or a "
                               "folder of frames",
                               (dir / "data" / "throw_cup.mp4").string())),
            std::string::npos)
      << e;
}

TEST(TrackingLoader, ErrorsNameTheFileAndTheFix) {
  const fs::path dir = scratch_dir();
  fs::create_directories(dir / "data");
  EXPECT_NE(data_error(tracking_config(dir)).find("no video (.avi, .mp4, ...) or frame folder"), std::string::npos);

  write_mjpg(dir / "data" / "v.avi", 4);
  write_file(dir / "data" / "v.txt", "1,2,3\n");
  EXPECT_NE(data_error(tracking_config(dir)).find("v.txt: ROI rows need 4 values (x,y,w,h), found 3"),
            std::string::npos);
  write_file(dir / "data" / "v.txt", "1,2,0,4\n");
  EXPECT_NE(data_error(tracking_config(dir)).find("v.txt: ROI row 1 has an empty box"), std::string::npos);
  write_file(dir / "data" / "v.txt", "10,10,5,5\n500,10,5,5\n");
  EXPECT_NE(data_error(tracking_config(dir)).find("v.txt: ROI row 2 (500,10,5,5) lies outside the 160x128 first frame"),
            std::string::npos)
      << data_error(tracking_config(dir));

  const BenchmarkConfig listed = tracking_config(dir, "    files: [\"missing.avi\"]\n");
  EXPECT_NE(data_error(listed).find("missing.avi: video not found"), std::string::npos) << data_error(listed);
  fs::create_directories(dir / "data" / "empty_frames");
  const BenchmarkConfig empty = tracking_config(dir, "    files: [\"empty_frames\"]\n");
  EXPECT_NE(data_error(empty).find("empty_frames: frame folder has no images"), std::string::npos) << data_error(empty);
}

TEST(TrackingLoader, ListsVideosAndFrameFoldersAndReadsRois) {
  const fs::path dir = scratch_dir();
  write_mjpg(dir / "b.avi", 2);
  write_file(dir / "a.MP4", "x");
  fs::create_directories(dir / "frames");
  cv::imwrite((dir / "frames" / "0.png").string(), synthetic_frame({32, 32}, 0));
  fs::create_directories(dir / "no_images");
  write_file(dir / "b.txt", "x");
  const auto sources = list_tracking_sources(dir);
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].filename(), "a.MP4");
  EXPECT_EQ(sources[1].filename(), "b.avi");
  EXPECT_EQ(sources[2].filename(), "frames");

  const auto rois = read_roi_file(write_file(dir / "r.txt", "# x y w h\n296,188,101,75\n1 2 3 4\n"));
  ASSERT_EQ(rois.size(), 2u);
  EXPECT_EQ(rois[0], cv::Rect(296, 188, 101, 75));
  EXPECT_EQ(rois[1], cv::Rect(1, 2, 3, 4));
}

TEST(TrackingLoader, FrameStreamReloadsFromTheStart) {
  const fs::path file = write_mjpg(scratch_dir() / "v.avi", 6);
  FrameStream stream(file);
  cv::Mat frame;
  int n = 0;
  while (stream.read(frame)) ++n;
  EXPECT_EQ(n, 6);
  stream.reload();
  ASSERT_TRUE(stream.read(frame));
  EXPECT_GT(frame.at<cv::Vec3b>(64, 10 + kSquare / 2)[0], 200);  // frame 0's square
}

// The data root script's ROI is on the white car of slow_traffic_small's first frame (checked by eye;
// here: a fifth of the box is white paint, against none on the road beside and below it).
TEST(TrackingLoader, DataRootRoiIsOnTheCar) {
  const fs::path video = test::shared_data() / "videos" / "slow_traffic_small.avi";
  if (!fs::exists(video)) GTEST_SKIP() << "no " << video;
  FrameStream stream(video);
  cv::Mat frame, gray;
  ASSERT_TRUE(stream.read(frame));
  cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
  const cv::Rect roi(296, 188, 101, 75);  // scripts/make_data_root.sh TRACKING_ROI
  auto white_share = [&](const cv::Rect& box) {
    return cv::countNonZero(gray(box) > 190) / static_cast<double>(box.area());
  };
  EXPECT_GT(white_share(roi), 0.15);
  for (const cv::Point shift : {cv::Point(-110, 0), cv::Point(124, 0), cv::Point(0, 82)}) {
    EXPECT_LT(white_share(roi + shift), 0.02) << "road at " << (roi + shift);
  }
}

// --- version gates ----------------------------------------------------------------------------------

TEST(TrackerGate, MessagesSayWhatIsNeeded) {
  EXPECT_EQ(opencv_version_gate("TrackerVit", vittrack::kMinOpenCV, {4, 6, 0}),
            "TrackerVit needs OpenCV >= 4.9; this is OpenCV 4.6.0");
  EXPECT_EQ(opencv_version_gate("TrackerVit", vittrack::kMinOpenCV, {4, 9, 0}), "");
  EXPECT_EQ(opencv_version_gate("TrackerVit", vittrack::kMinOpenCV, {4, 10, 0}), "");
  EXPECT_EQ(opencv_version_gate("TrackerVit", vittrack::kMinOpenCV, {5, 0, 0}), "");
  EXPECT_EQ(opencv_version_gate("TrackerDaSiamRPN", dasiamrpn::kMinOpenCV, {4, 5, 3}),
            "TrackerDaSiamRPN needs OpenCV >= 4.5.4; this is OpenCV 4.5.3");
  EXPECT_EQ(opencv_version_gate("TrackerDaSiamRPN", dasiamrpn::kMinOpenCV, {4, 6, 0}), "");
}

bool have_tracker_vit() {
  return opencv_version_gate("TrackerVit", vittrack::kMinOpenCV, compiled_opencv_version()).empty();
}

TEST(VitTrack, OlderOpenCVIsUnsupportedWithTheReason) {
  if (have_tracker_vit()) GTEST_SKIP() << "this OpenCV has TrackerVit";
  const ModelParams params;
  try {
    vittrack::create(ModelContext{{"object_tracking_vittrack_2023sep.onnx"}, params, backend_target_at(0)});
    FAIL() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Unsupported);
    const OpenCVVersion v = compiled_opencv_version();
    EXPECT_EQ(std::string(e.what()),
              fmt::format("TrackerVit needs OpenCV >= 4.9; this is OpenCV {}.{}.{}", v.major, v.minor, v.patch));
  }
}

TEST(VitTrack, EachOnnxFileIsItsOwnVariant) {
  const Family* family = find_family("VitTrack");
  ASSERT_NE(family, nullptr);
  ASSERT_TRUE(family->is_tracker());
  const fs::path dir = scratch_dir();
  for (const char* name : {"object_tracking_vittrack_2023sep.onnx", "object_tracking_vittrack_2023sep_int8bq.onnx"}) {
    write_file(dir / family->folder / name, "x");
  }
  const auto variants = discover_variants(*family, dir);
  ASSERT_EQ(variants.size(), 2u);  // the zoo passes both as one argument list
  EXPECT_EQ(variants[0].file_list(), "['object_tracking_vittrack_2023sep.onnx']");
  EXPECT_EQ(variants[1].precision, Precision::INT8BQ);
}

fs::path real_vittrack() { return test::shared_models() / "object_tracking_vittrack" / "object_tracking_vittrack_2023sep.onnx"; }
fs::path real_video() { return test::shared_data() / "videos" / "slow_traffic_small.avi"; }

// The real model on the real clip: the box follows the white car as it comes closer and moves right.
TEST(VitTrack, RealModelKeepsTheBoxOnTheCar) {
  if (!have_tracker_vit()) GTEST_SKIP() << "cv::TrackerVit needs OpenCV >= 4.9 (this is " CV_VERSION ")";
  if (!fs::exists(real_vittrack()) || !fs::exists(real_video())) GTEST_SKIP() << "no real model or video";
  const ModelParams params;
  auto tracker = vittrack::create(ModelContext{{real_vittrack()}, params, backend_target_at(0)});
  EXPECT_NE(tracker->stage_note().find("TrackerVit::update is one OpenCV call: timed as inference"), std::string::npos);
  FrameStream stream(real_video());
  cv::Mat frame;
  ASSERT_TRUE(stream.read(frame));
  tracker->init(frame, {296, 188, 101, 75});
  TrackResult result;
  for (int i = 1; i <= 90; ++i) {
    ASSERT_TRUE(stream.read(frame));
    result = tracker->update(frame);
  }
  // Frame 90, by eye: the car spans about x 355..515, y 195..310.
  const cv::Rect& b = result.box;
  EXPECT_TRUE(result.found);
  EXPECT_GT(result.score, 0.3f);
  EXPECT_NEAR(b.x + b.width / 2, 435, 30) << b;
  EXPECT_NEAR(b.y + b.height / 2, 252, 30) << b;
  EXPECT_GT(b.width, 100) << b;
  EXPECT_LT(b.width, 220) << b;
}

// Through the Runner, as `zoo-bench -c configs/object_tracking_vittrack.yaml` runs it.
TEST(VitTrack, RunnerDispatchesTheTrackingConfig) {
  if (!fs::exists(real_vittrack()) || !fs::exists(real_video())) GTEST_SKIP() << "no real model or video";
  const fs::path dir = scratch_dir();
  fs::create_directories(dir / "models" / "object_tracking_vittrack");
  fs::copy_file(real_vittrack(), dir / "models" / "object_tracking_vittrack" / real_vittrack().filename());
  // The first 40 frames of the clip, as a frame folder, with the data root's ROI.
  FrameStream stream(real_video());
  cv::Mat frame;
  fs::create_directories(dir / "data" / "object_tracking" / "traffic");
  for (int i = 0; i < 40 && stream.read(frame); ++i) {
    cv::imwrite((dir / "data" / "object_tracking" / "traffic" / fmt::format("{:03d}.jpg", i)).string(), frame);
  }
  write_file(dir / "data" / "object_tracking" / "traffic.txt", "296,188,101,75\n");

  PlanOptions options;
  options.models_dir = dir / "models";
  options.data_dir = dir / "data";
  const auto records = test::run_configs({test::source_dir() / "configs" / "object_tracking_vittrack.yaml"}, options);
  ASSERT_EQ(records.size(), 1u);
  const RunRecord& r = records[0];
  if (!have_tracker_vit()) {
    EXPECT_EQ(r.status, Status::Unsupported);
    EXPECT_NE(r.message.find("TrackerVit needs OpenCV >= 4.9; this is OpenCV"), std::string::npos) << r.message;
    return;
  }
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  EXPECT_EQ(r.input_size, cv::Size(640, 360));
  EXPECT_EQ(r.warmup, 3);  // metric.warmup's default
  EXPECT_EQ(r.samples.total.size(), 40u - 1 - 3);
  EXPECT_EQ(r.init_ms.size(), 1u);
  EXPECT_GT(r.load_ms, 0);
  EXPECT_NE(r.note.find("TrackerVit::update"), std::string::npos);
}

// --- DaSiamRPN ------------------------------------------------------------------------------------------

TEST(DaSiamRPN, FilesAreAssignedByNameInAnyOrder) {
  const auto files =
      dasiamrpn::assign_files({"m/dasiamrpn_kernel_cls1.onnx", "m/dasiamrpn_model.onnx", "m/dasiamrpn_kernel_r1.onnx"});
  EXPECT_EQ(files.model, "m/dasiamrpn_model.onnx");
  EXPECT_EQ(files.kernel_r1, "m/dasiamrpn_kernel_r1.onnx");
  EXPECT_EQ(files.kernel_cls1, "m/dasiamrpn_kernel_cls1.onnx");
}

TEST(DaSiamRPN, MissingFileIsNamed) {
  try {
    dasiamrpn::assign_files({"m/dasiamrpn_model.onnx", "m/dasiamrpn_kernel_r1.onnx"});
    FAIL() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Missing);
    const std::string message = e.what();
    EXPECT_NE(message.find("missing in m: dasiamrpn_kernel_cls1.onnx"), std::string::npos) << message;
    EXPECT_EQ(message.find("dasiamrpn_model.onnx"), std::string::npos) << message;
  }
  try {
    dasiamrpn::assign_files({"m/dasiamrpn_model.onnx", "m/dasiamrpn_kernel_r1.onnx", "m/other.onnx"});
    FAIL() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.kind(), ModelError::Kind::Unsupported);
    EXPECT_NE(std::string(e.what()).find("m/other.onnx: not a DaSiamRPN file"), std::string::npos) << e.what();
  }
}

TEST(DaSiamRPN, ThreeFilesFormOneVariantAndAMissingOneIsReported) {
  const Family* family = find_family("DaSiamRPN");
  ASSERT_NE(family, nullptr);
  const fs::path dir = scratch_dir();
  for (const auto& name : family->expected_files) write_file(dir / family->folder / name, "x");
  const auto variants = discover_variants(*family, dir);
  ASSERT_EQ(variants.size(), 1u);
  EXPECT_EQ(variants[0].files.size(), 3u);

  // Through the Runner: a folder with two of the three files gives a "missing" record naming the third.
  fs::remove(dir / family->folder / "dasiamrpn_kernel_r1.onnx");
  write_mjpg(dir / "data" / "object_tracking" / "v.avi", 5);
  write_file(dir / "data" / "object_tracking" / "v.txt", "10,52,16,16\n");
  PlanOptions options;
  options.models_dir = dir;
  options.data_dir = dir / "data";
  const auto records = test::run_configs({test::source_dir() / "configs" / "object_tracking_dasiamrpn.yaml"}, options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, Status::Missing);
  EXPECT_NE(records[0].message.find("missing in " + (dir / family->folder).string() + ": dasiamrpn_kernel_r1.onnx"),
            std::string::npos)
      << records[0].message;
}

// Load + init + update on generated stand-ins with the real files' tensor names and shapes
// (tests/tools/make_dasiamrpn.py); the real weights (~90 MB) are not available here.
TEST(DaSiamRPN, StandInsLoadInitAndTrack) {
  const fs::path dir = scratch_dir();
  const std::string command = fmt::format("{} '{}/tests/tools/make_dasiamrpn.py' '{}' 2>&1", ZOO_BENCH_TEST_PYTHON,
                                          test::source_dir().string(), dir.string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command << " failed (needs python3-onnx)";
  const ModelParams params;
  auto tracker = dasiamrpn::create(ModelContext{{dir / "dasiamrpn_kernel_cls1.onnx", dir / "dasiamrpn_kernel_r1.onnx",
                                                  dir / "dasiamrpn_model.onnx"},
                                                 params, backend_target_at(0)});
  const cv::Size size(320, 240);
  tracker->init(synthetic_frame(size, 0), {10, 112, 16, 16});
  for (int i = 1; i <= 3; ++i) {
    const TrackResult result = tracker->update(synthetic_frame(size, i));
    EXPECT_TRUE(result.found);
    // Near-zero score logits: softmax gives 0.5 for the target class.
    EXPECT_NEAR(result.score, 0.5f, 0.01f);
    EXPECT_GE(result.box.width, 10);  // OpenCV clamps the size to [10, frame size]
    EXPECT_LE(result.box.width, size.width);
  }
}

}  // namespace
}  // namespace zoobench
