// The plan (plan/plan.hpp) when the data are not there or the file system fails on them: absent data
// is "missing" (like absent model files), and any exception while planning one config becomes that
// config's failed rows without stopping the configs after it. Run as zoo-bench runs them: make_plan and
// the Runner (test::run_configs), on a generated MobileNet stand-in.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "test_support.hpp"
#include "zoobench/report/json_text.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModelFile = "image_classification_mobilenetv1_2022apr.onnx";

struct DataSetup {
  fs::path root, data;
  PlanOptions options;
};

// The shipped MobileNet config with its data path replaced by `data_path`, as `name` in the setup.
fs::path config_with_data_path(const DataSetup& s, const std::string& name, const std::string& data_path) {
  std::ifstream in(test::source_dir() / "configs" / "image_classification_mobilenet.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string shipped = "path: \"data/image_classification\"";
  const auto at = yaml.find(shipped);
  EXPECT_NE(at, std::string::npos) << "the shipped config's data path changed";
  yaml.replace(at, shipped.size(), fmt::format("path: \"{}\"", data_path));
  return test::write_file(s.root / "configs" / name, yaml);
}

DataSetup make_setup() {
  DataSetup s;
  s.root = test::scratch_dir();
  s.data = s.root / "data";
  const fs::path model_dir = s.root / "models" / "image_classification_mobilenet";
  fs::create_directories(model_dir);
  test::make_onnx(model_dir / kModelFile, {{"input", {1, 3, 224, 224}}}, {{"output", {1, 1000}}});
  fs::create_directories(s.data / "image_classification");
  cv::Mat image(300, 400, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
  EXPECT_TRUE(cv::imwrite((s.data / "image_classification" / "noise.png").string(), image));
  s.options.models_dir = s.root / "models";
  s.options.data_dir = s.data;
  s.options.backend_targets = {0};
  s.options.trials = 1;
  s.options.warmup = 0;
  s.options.repeat = 1;
  return s;
}

TEST(Plan, AFileSystemErrorOnTheDataFolderIsAFailedRowAndTheNextConfigRuns) {
  const DataSetup s = make_setup();
  // The task folder is a symbolic link to itself: std::filesystem throws (ELOOP) on looking at it.
  fs::create_symlink("loop", s.data / "loop");
  std::error_code ec;
  (void)fs::is_directory(s.data / "loop", ec);
  ASSERT_TRUE(ec) << "the loop must make the file system fail, not just be absent";
  const fs::path looped = config_with_data_path(s, "a_looped.yaml", "data/loop");
  const fs::path good = config_with_data_path(s, "b_good.yaml", "data/image_classification");

  Plan plan;
  ASSERT_NO_THROW(plan = make_plan({looped, good}, s.options, false));
  ASSERT_EQ(plan.items.size(), 2u);
  EXPECT_EQ(plan.items[0].status, Status::Failed);
  EXPECT_NE(plan.items[0].reason.find((s.data / "loop").string()), std::string::npos) << plan.items[0].reason;
  EXPECT_TRUE(plan.items[1].runnable()) << plan.items[1].reason;

  const std::vector<RunRecord> records = test::run_configs({looped, good}, s.options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].config, "a_looped.yaml");
  EXPECT_EQ(records[0].status, Status::Failed);
  EXPECT_EQ(records[0].model, "MobileNet");
  EXPECT_EQ(records[0].file_list, fmt::format("['{}']", kModelFile)) << "the row names the model it was for";
  EXPECT_NE(records[0].message.find((s.data / "loop").string()), std::string::npos) << records[0].message;
  EXPECT_EQ(records[1].config, "b_good.yaml");
  EXPECT_EQ(records[1].status, Status::Ok) << records[1].message;
  EXPECT_EQ(records[1].samples.total.size(), 1u);
}

TEST(Plan, AMissingDataFolderIsMissingNotFailed) {
  const DataSetup s = make_setup();
  const fs::path absent = config_with_data_path(s, "absent.yaml", "data/no_such_task");
  const std::vector<RunRecord> records = test::run_configs({absent}, s.options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, Status::Missing);
  EXPECT_NE(records[0].message.find(fmt::format("data folder '{}' not found", (s.data / "no_such_task").string())),
            std::string::npos)
      << records[0].message;

  // A data folder that is there but empty is missing data too.
  fs::create_directories(s.data / "empty_task");
  const fs::path empty = config_with_data_path(s, "empty.yaml", "data/empty_task");
  const std::vector<RunRecord> none = test::run_configs({empty}, s.options);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].status, Status::Missing) << none[0].message;
}

// A model file whose name is not UTF-8: the record holds the name as the results file will (U+FFFD for the
// bad byte), so a record read back matches the one --resume and --baseline build for the same item.
TEST(Plan, RecordsHoldNamesAsTheResultsFileWillHoldThem) {
  PlanItem item;
  item.config_name = "face\xe9.yaml";
  item.variant.files = {fs::path("/models/yunet_\xe9.onnx")};
  const RunRecord record = base_record(item);
  EXPECT_EQ(record.config, "face\xEF\xBF\xBD.yaml");
  EXPECT_EQ(record.files.at(0), "/models/yunet_\xEF\xBF\xBD.onnx");
  EXPECT_NE(record.file_list.find("yunet_\xEF\xBF\xBD.onnx"), std::string::npos) << record.file_list;
  EXPECT_EQ(as_written(record.file_list), record.file_list);  // already as written: unchanged
}

}  // namespace
}  // namespace zoobench
