// The measurement core (measure/measure.hpp) with a fake image family: what is timed (warm-up calls
// are not), how errors become records without stopping the run, one record per input size with the
// load time on the first only, and placement evidence for a model that shows no net.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/error.hpp"
#include "zoobench/measure/measure.hpp"
#include "zoobench/stats/aggregate.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;
using test::scratch_dir;
using test::write_file;

// What the fake models did, shared by every model one family builds.
struct Calls {
  int constructed = 0;
  int preprocess = 0, infer = 0, postprocess = 0;
  std::vector<cv::Size> set_sizes;     // set_input_size
  std::vector<cv::Size> image_sizes;   // sizes preprocess saw
};

struct Behaviour {
  int warmup = 0;                      // the config's warm-up, for the slow warm-up calls below
  int repeat = 1;
  int slow_warmup_ms = 0;              // warm-up calls of infer sleep this long
  bool throw_in_postprocess_of_first_model = false;
  bool throw_in_construction = false;
  bool unsupported_in_construction = false;
  bool cv_error_in_infer_and_dump = false;  // like a net OpenCV cannot set up: forward and dump() throw
  cv::Size fail_at_size;               // infer throws a cv::Exception at this input size (none when empty)
  bool unsupported_at_fail_size = false;  // ... a ModelError(Unsupported) instead (an OpenCV that cannot run it)
};

class FakeModel final : public Model {
 public:
  FakeModel(Calls& calls, const Behaviour& behaviour) : m_calls(calls), m_behaviour(behaviour) {
    m_index = ++m_calls.constructed;
  }

  void set_input_size(cv::Size size) override {
    m_calls.set_sizes.push_back(size);
    m_size = size;
  }
  void preprocess(const cv::Mat& image, const cv::Mat&) override {
    ++m_calls.preprocess;
    m_calls.image_sizes.push_back(image.size());
  }
  void infer() override {
    // Calls per image: warm-up first, then the timed ones (image_strategy's order).
    const int per_image = m_behaviour.warmup + m_behaviour.repeat;
    const bool warmup_call = m_calls.infer % per_image < m_behaviour.warmup;
    ++m_calls.infer;
    if (m_behaviour.cv_error_in_infer_and_dump) CV_Error(cv::Error::StsNotImplemented, "Unknown backend identifier");
    if (!m_behaviour.fail_at_size.empty() && m_size == m_behaviour.fail_at_size) {
      if (m_behaviour.unsupported_at_fail_size) {
        throw ModelError(ModelError::Kind::Unsupported, "OpenCV 4.6.0 imports fake.onnx but cannot run it");
      }
      CV_Error(cv::Error::StsError, "fake: out of GPU memory");
    }
    if (warmup_call && m_behaviour.slow_warmup_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(m_behaviour.slow_warmup_ms));
    }
  }
  void postprocess() override {
    ++m_calls.postprocess;
    if (m_behaviour.throw_in_postprocess_of_first_model && m_index == 1) {
      throw std::out_of_range("fake: index 7 out of range");
    }
    Detection d;
    d.box = {1, 2, 3, 4};
    m_result.detections = {d};
  }
  std::string result_summary() const override { return fmt::format("fake model #{}", m_index); }
  std::vector<cv::dnn::Net> nets() const override {
    if (m_behaviour.cv_error_in_infer_and_dump) CV_Error(cv::Error::StsNotImplemented, "Unknown backend identifier");
    return {};  // no net visible, as behind a high-level OpenCV API
  }

 private:
  Calls& m_calls;
  Behaviour m_behaviour;
  int m_index = 0;
  cv::Size m_size;
};

struct FakeBench {
  BenchmarkConfig config;
  PlanOptions options;
};

// A Base-metric config over `images` images of 64x48 (one size per entry of `sizes`) and a models
// folder with the fake's one file, which the fake never reads.
FakeBench make_setup(const Behaviour& b, int images = 1, const std::string& sizes = "[[64, 48]]") {
  const fs::path dir = scratch_dir();
  for (int i = 0; i < images; ++i) {
    fs::create_directories(dir / "data");
    cv::imwrite((dir / "data" / fmt::format("img{}.png", i)).string(), cv::Mat(48, 64, CV_8UC3, cv::Scalar(i, 50, 90)));
  }
  write_file(dir / "models" / "fake" / "fake.onnx", "stand-in: the fake model never reads it");
  FakeBench s{load_config(write_file(dir / "fake.yaml", fmt::format(R"(Benchmark:
  type: "Base"
  data:
    path: "{}"
    sizes: {}
  metric:
    warmup: {}
    repeat: {}
Model:
  name: "Fake"
)",
                                                                   (dir / "data").string(), sizes, b.warmup, b.repeat))),
          {}};
  s.options.models_dir = dir / "models";
  s.options.backend_targets = {0};
  s.options.trials = 1;
  s.options.cpu_baseline = false;
  return s;
}

Family fake_family(Calls& calls, const Behaviour& b) {
  return family("Fake").folder("fake").task("test").files({"fake.onnx"}).model(
      [&calls, b](const ModelContext&) -> std::unique_ptr<Model> {
        if (b.throw_in_construction) throw std::runtime_error("fake: cannot build the model");
        if (b.unsupported_in_construction) {
          throw ModelError(ModelError::Kind::Unsupported, "fake.onnx: needs OpenCV >= 4.9");
        }
        return std::make_unique<FakeModel>(calls, b);
      });
}

TEST(Measure, WarmupCallsRunButAreNotSampled) {
  Behaviour b;
  b.warmup = 3;
  b.repeat = 4;
  b.slow_warmup_ms = 60;
  Calls calls;
  FakeBench s = make_setup(b, 2);
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 1u);
  const RunRecord& r = records[0];
  ASSERT_EQ(r.status, Status::Ok) << r.message;
  // Two images x (3 warm-up + 4 timed) calls of each stage ran; only 2 x 4 were sampled.
  EXPECT_EQ(calls.preprocess, 14);
  EXPECT_EQ(calls.infer, 14);
  EXPECT_EQ(calls.postprocess, 14);
  for (const auto* stage : {&r.samples.preprocess, &r.samples.infer, &r.samples.postprocess, &r.samples.total}) {
    EXPECT_EQ(stage->size(), 8u);
  }
  // The slow calls are the warm-up ones: none of them is among the samples...
  for (double ms : r.samples.infer) EXPECT_LT(ms, 50.0) << "a warm-up call was sampled";
  for (double ms : r.samples.total) EXPECT_LT(ms, 50.0);
  // ...but the very first call (a warm-up call) is reported apart as the cold first call.
  EXPECT_GE(r.first_call_ms, 60.0);
  EXPECT_EQ(r.warmup, 3);
  EXPECT_EQ(r.repeat, 4);
  EXPECT_EQ(r.answers.size(), 2u) << "one answer per image";
  EXPECT_EQ(r.result, "fake model #1");
  EXPECT_EQ(calls.constructed, 1);
  EXPECT_EQ(calls.set_sizes, (std::vector<cv::Size>{{64, 48}}));
}

TEST(Measure, PostprocessThrowingOutOfRangeIsAFailedRecordAndTheRunGoesOn) {
  Behaviour b;
  b.throw_in_postprocess_of_first_model = true;
  Calls calls;
  FakeBench s = make_setup(b);
  s.options.trials = 2;  // two items: the first model throws, the second does not
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].status, Status::Failed);
  EXPECT_EQ(records[0].message, "Fake ['fake.onnx']: unexpected error in the family's code: fake: index 7 out of range");
  EXPECT_EQ(records[0].trial, 1);
  EXPECT_TRUE(records[0].samples.total.empty());
  EXPECT_EQ(records[1].status, Status::Ok) << records[1].message;
  EXPECT_EQ(records[1].trial, 2);
  EXPECT_EQ(records[1].samples.total.size(), 1u);
  EXPECT_EQ(calls.constructed, 2);
}

TEST(Measure, ModelThatThrowsInConstructionGivesOneFailedRecord) {
  Behaviour b;
  b.throw_in_construction = true;
  Calls calls;
  FakeBench s = make_setup(b, 1, "[[64, 48], [32, 24]]");  // two sizes, yet one record: nothing was loaded
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, Status::Failed);
  EXPECT_NE(records[0].message.find("fake: cannot build the model"), std::string::npos) << records[0].message;
  EXPECT_EQ(records[0].load_ms, 0.0);
  EXPECT_TRUE(records[0].samples.total.empty());
}

TEST(Measure, UnsupportedModelErrorInConstructionIsAnUnsupportedRecord) {
  Behaviour b;
  b.unsupported_in_construction = true;
  Calls calls;
  FakeBench s = make_setup(b);
  s.options.backend_targets = {0, 1};
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 2u);
  for (const auto& r : records) {
    EXPECT_EQ(r.status, Status::Unsupported);
    EXPECT_EQ(r.message, "fake.onnx: needs OpenCV >= 4.9");
  }
}

TEST(Measure, TwoInputSizesGiveTwoRecordsWithTheLoadTimeOnTheFirstOnly) {
  Behaviour b;
  b.warmup = 1;
  b.repeat = 2;
  Calls calls;
  FakeBench s = make_setup(b, 1, "[[64, 48], [32, 24]]");
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 2u);
  // Groups come in size order (width, then height).
  EXPECT_EQ(records[0].input_size, cv::Size(32, 24));
  EXPECT_EQ(records[1].input_size, cv::Size(64, 48));
  EXPECT_GT(records[0].load_ms, 0.0);
  EXPECT_EQ(records[1].load_ms, 0.0) << "the model is loaded once, before the first size";
  EXPECT_EQ(calls.constructed, 1);
  EXPECT_EQ(calls.set_sizes, (std::vector<cv::Size>{{32, 24}, {64, 48}}));
  EXPECT_EQ(calls.image_sizes.front(), cv::Size(32, 24));
  EXPECT_EQ(calls.image_sizes.back(), cv::Size(64, 48));
  for (const auto& r : records) {
    EXPECT_EQ(r.status, Status::Ok) << r.message;
    EXPECT_EQ(r.samples.total.size(), 2u);
  }
}

// A model this OpenCV imports but cannot run (its first forward throws Unsupported) stays unsupported
// at the later sizes: not a failure.
TEST(Measure, UnsupportedAtTheFirstSizeKeepsTheNextSizeUnsupported) {
  Behaviour b;
  b.fail_at_size = {32, 24};
  b.unsupported_at_fail_size = true;
  Calls calls;
  FakeBench s = make_setup(b, 1, "[[64, 48], [32, 24]]");
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].status, Status::Unsupported);
  EXPECT_EQ(records[0].message, "OpenCV 4.6.0 imports fake.onnx but cannot run it");
  EXPECT_EQ(records[1].status, Status::Unsupported);
  EXPECT_EQ(records[1].message, "not run: the same model was unsupported at input size [32, 24] before");
  EXPECT_EQ(calls.set_sizes, (std::vector<cv::Size>{{32, 24}}));
}

// The net is in an unknown state after a failure: the later sizes are not run, but each gets a record
// that says why (a size without a row would look as if it had never been asked for).
TEST(Measure, AFailureAtTheFirstSizeGivesTheNextSizeARecordSayingWhy) {
  Behaviour b;
  b.fail_at_size = {32, 24};  // the first of the two (sizes run in order)
  Calls calls;
  FakeBench s = make_setup(b, 1, "[[64, 48], [32, 24]]");
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].input_size, cv::Size(32, 24));
  EXPECT_EQ(records[0].status, Status::Failed);
  EXPECT_NE(records[0].message.find("fake: out of GPU memory"), std::string::npos) << records[0].message;
  EXPECT_EQ(records[1].input_size, cv::Size(64, 48));
  EXPECT_EQ(records[1].status, Status::Failed);
  EXPECT_EQ(records[1].message, "not run: the same model failed at input size [32, 24] before");
  EXPECT_TRUE(records[1].samples.total.empty());
  EXPECT_EQ(records[1].load_ms, 0.0);
  EXPECT_EQ(records[1].model, "Fake");
  EXPECT_EQ(records[1].file_list, "['fake.onnx']");
  EXPECT_EQ(calls.set_sizes, (std::vector<cv::Size>{{32, 24}})) << "the second size was not run";
  EXPECT_EQ(calls.constructed, 1);
  // Aggregated: two rows, both failed, and the exit code says so.
  const ResultSet set = aggregate(Environment{}, records, {}, "", tolerance_for_model);
  ASSERT_EQ(set.rows.size(), 2u);
  for (const auto& row : set.rows) EXPECT_EQ(row.status, Status::Failed);
}

TEST(Measure, EvidenceOnCudaForAModelWithoutANetIsUnverified) {
  Behaviour b;
  Calls calls;
  FakeBench s = make_setup(b);
  s.options.backend_targets = {0, 1};
  const auto records = test::run_family(s.config, fake_family(calls, b), s.options);
  ASSERT_EQ(records.size(), 2u);
  const RunRecord& cpu = records[0];
  const RunRecord& cuda = records[1];
  ASSERT_EQ(cuda.backend_target.index, 1);
  EXPECT_EQ(cpu.device.state, Placement::NotChecked) << "the CPU needs no evidence";
  EXPECT_EQ(cuda.status, Status::Ok) << "the fake runs anywhere";
  EXPECT_EQ(cuda.device.state, Placement::Unverified);
  EXPECT_TRUE(cuda.device.checked());
  EXPECT_FALSE(cuda.device.verified());
  EXPECT_NE(cuda.device.reason.find("hidden"), std::string::npos) << cuda.device.reason;
  // Aggregated: no speed-up for the unverified row, and --require-cuda would fail on it.
  const ResultSet set = aggregate(Environment{}, records, {}, "", tolerance_for_model);
  ASSERT_EQ(set.rows.size(), 2u);
  EXPECT_FALSE(set.rows[1].speedup);
  EXPECT_EQ(set.rows[1].no_speedup_reason, "UNVERIFIED");
}

// OpenCV 4.6 without CANN: forward throws "Unknown backend identifier", and so does Net::dump()
// afterwards, which the core calls outside its try block (placement_view). The exception escaped
// Runner::run, and `zoo-bench --backend-target 4` ended with "error: OpenCV: ..." and no results.
TEST(Measure, ExceptionFromTheNetDumpAfterAFailedCallIsStillARecord) {
  Behaviour b;
  b.cv_error_in_infer_and_dump = true;
  Calls calls;
  FakeBench s = make_setup(b);
  s.options.trials = 2;
  std::vector<RunRecord> records;
  EXPECT_NO_THROW(records = test::run_family(s.config, fake_family(calls, b), s.options));
  ASSERT_EQ(records.size(), 2u) << "one record per item, and the second item still runs";
  EXPECT_EQ(records[0].status, Status::Failed);
  EXPECT_NE(records[0].message.find("Unknown backend identifier"), std::string::npos) << records[0].message;
}

}  // namespace
}  // namespace zoobench
