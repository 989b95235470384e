// Replays every input kept in tests/fuzz/regressions/<target>/ (each a past fuzz finding, or a seed
// worth keeping) through the same code the fuzz target runs: none may crash or throw anything but the
// project's own error. Under scripts/test.sh --sanitize this also runs under ASan + UBSan.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/fuzz_bodies.hpp"
#include "test_support.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "tests" / "fuzz" / "regressions" / target)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every kept input of `target` through `body`: none may throw anything but the project's own error.
void replay(const std::string& target, void (*body)(const std::string&)) {
  const auto files = inputs_of(target);
  ASSERT_FALSE(files.empty()) << "tests/fuzz/regressions/" << target << " holds no inputs";
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    EXPECT_NO_THROW(body(read_all(file)));
  }
}

TEST(FuzzRegressions, ConfigLoaderInputs) { replay("fuzz_config", fuzz::config_input); }

TEST(FuzzRegressions, ResultsReaderInputs) { replay("fuzz_results", fuzz::results_input); }

TEST(FuzzRegressions, JournalReaderInputs) { replay("fuzz_journal", fuzz::journal_input); }

}  // namespace
}  // namespace zoobench
