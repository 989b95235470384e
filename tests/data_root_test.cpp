// scripts/make_data_root.sh on the shared media, and what the real-model plan makes of that root.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "test_support.hpp"
#include "zoobench/catalog/catalog.hpp"
#include "zoobench/plan/plan.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

std::size_t entries_in(const fs::path& folder) {
  std::size_t n = 0;
  for (auto it = fs::directory_iterator(folder); it != fs::directory_iterator(); ++it) ++n;
  return n;
}

// Every task folder the shared media can fill is filled; the two it cannot (no aligned-face label
// rows, no licence plate image) are created empty and named.
TEST(DataRoot, FillsEveryTaskFolderItCanAndNamesTheOthers) {
  if (!fs::exists(test::shared_data() / "images")) GTEST_SKIP() << "no " << test::shared_data();
  const auto root = test::scratch_dir() / "data";
  const auto result = test::make_data_root(root);
  EXPECT_NE(result.output.find("no media for (left empty): face_recognition license_plate_detection"),
            std::string::npos)
      << result.output;
  for (const char* task : {"face_detection", "facial_expression_recognition/fer_evaluation", "text",
                           "image_classification", "human_segmentation", "qrcode", "object_tracking", "person_reid",
                           "palm_detection_20230125", "object_detection", "person_detection"}) {
    ASSERT_TRUE(fs::is_directory(root / task)) << task;
    EXPECT_GT(entries_in(root / task), 0u) << task << "\n" << result.output;
  }
  for (const char* task : {"face_recognition", "license_plate_detection"}) {
    ASSERT_TRUE(fs::is_directory(root / task)) << task;
    EXPECT_EQ(entries_in(root / task), 0u) << task;
  }
  // Running it again is safe and gives the same folders.
  EXPECT_EQ(test::make_data_root(root).exit_code, 0);
}

// --int8bq (precisions {INT8BQ}) plans exactly the block-quantised files of the real models folder:
// every planned file is one, and every one on disk whose family has a config is planned.
TEST(DataRoot, Int8bqSelectsExactlyTheInt8bqFiles) {
  if (!fs::exists(test::shared_models()) || !fs::exists(test::shared_data() / "images")) {
    GTEST_SKIP() << "no " << test::shared_models() << " or " << test::shared_data();
  }
  PlanOptions options;
  options.models_dir = test::shared_models();
  options.data_dir = test::scratch_dir() / "data";
  options.backend_targets = {0};
  options.precisions = {Precision::INT8BQ};
  test::make_data_root(options.data_dir);
  std::vector<fs::path> configs;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "configs")) configs.push_back(entry.path());
  const Plan plan = make_plan(configs, options, false);

  std::set<std::string> planned;
  for (const auto& item : plan.items) {
    for (const auto& file : item.variant.files) {
      planned.insert(file.filename().string());
    }
  }
  std::set<std::string> on_disk;
  for (const auto& entry : fs::recursive_directory_iterator(test::shared_models())) {
    const std::string name = entry.path().filename().string();
    if (name.find("_int8bq.") != std::string::npos) on_disk.insert(name);
  }
  ASSERT_FALSE(on_disk.empty()) << "no int8bq file in " << test::shared_models();
  EXPECT_EQ(planned, on_disk);
}

}  // namespace
}  // namespace zoobench
