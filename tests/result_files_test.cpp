// Result files are saved or the run says so: atomic replacement (a unique temporary, synced, closed and
// renamed), devices written in place with every error checked, and the JSON-Lines journal whose lines
// two processes never interleave.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "test_support.hpp"
#include "zoobench/report/result_file.hpp"

namespace zoobench {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ResultFile, ReplacesAtomicallyAndLeavesNoTemporary) {
  const fs::path dir = test::scratch_dir();
  const fs::path file = dir / "out.json";
  replace_file_atomically(file, "first\n");
  replace_file_atomically(file, "second\n");
  EXPECT_EQ(read_all(file), "second\n");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1) << "a temporary was left beside the results file";
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::others_read, fs::perms::others_read);
}

TEST(ResultFile, AFailedWriteNamesTheFileAndTheReason) {
  const fs::path dir = test::scratch_dir();
  const fs::path gone = dir / "gone" / "out.json";
  try {
    replace_file_atomically(gone, "x");
    FAIL() << "writing into a folder that does not exist succeeded";
  } catch (const WriteError& e) {
    EXPECT_NE(std::string(e.what()).find(gone.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
}

TEST(ResultFile, DevicesAreWrittenInPlaceAndAFullDiskIsAnError) {
  EXPECT_EQ(check_result_target("/dev/null"), ResultTarget::Stream);
  EXPECT_NO_THROW(write_in_place("/dev/null", "fine"));
  ASSERT_EQ(check_result_target("/dev/full"), ResultTarget::Stream);
  try {
    write_in_place("/dev/full", std::string(100000, 'x'));
    FAIL() << "writing to /dev/full succeeded";
  } catch (const WriteError& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
  }
}

TEST(ResultFile, FoldersAndMissingFoldersAreRefusedBeforeMeasuring) {
  const fs::path dir = test::scratch_dir();
  EXPECT_THROW(check_result_target(dir), ConfigError);
  EXPECT_THROW(check_result_target(dir / "no" / "such" / "folder.json"), ConfigError);
  EXPECT_EQ(check_result_target(dir / "new.json"), ResultTarget::RegularFile);
  EXPECT_FALSE(fs::exists(dir / "new.json")) << "the check must not create the file";
}

TEST(ResultFile, JournalPathSitsBesideTheResults) {
  EXPECT_EQ(journal_path_for("/a/out.json"), fs::path("/a/out.journal.jsonl"));
  EXPECT_EQ(journal_path_for("results"), fs::path("results.journal.jsonl"));
}

// Lines far larger than a pipe buffer, appended by two processes at once, arrive whole.
TEST(ResultFile, TwoProcessesNeverInterleaveJournalLines) {
  const fs::path file = test::scratch_dir() / "run.journal.jsonl";
  constexpr int kLines = 150;
  auto append_lines = [&](const std::string& who) {
    Journal journal(file);
    for (int i = 0; i < kLines; ++i) {
      journal.append(nlohmann::json{{"who", who}, {"i", i}, {"pad", std::string(20000, who[0])}}.dump());
    }
  };
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      append_lines("child");
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  append_lines("parent");
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  std::ifstream in(file);
  std::string line;
  std::map<std::string, int> next;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "an interleaved or cut line: " << line.substr(0, 80);
    const std::string who = j.at("who");
    EXPECT_EQ(j.at("i").get<int>(), next[who]++) << who << "'s lines are out of order";
    EXPECT_EQ(j.at("pad").get<std::string>(), std::string(20000, who[0]));
  }
  EXPECT_EQ(next["child"], kLines);
  EXPECT_EQ(next["parent"], kLines);
}


// A journal whose last line a kill cut: the next run's first line starts a line of its own.
TEST(ResultFile, AJournalLeftWithACutLineIsEndedBeforeTheNextLine) {
  const fs::path file = test::scratch_dir() / "cut.journal.jsonl";
  test::write_file(file, "{\"run_id\":\"a\",\"record\":{}}\n{\"run_id\":\"a\",\"rec");
  {
    Journal journal(file);
    journal.append(R"({"journal":"zoo-bench","run_id":"b"})");
  }
  const std::string ended = "{\"run_id\":\"a\",\"record\":{}}\n{\"run_id\":\"a\",\"rec\n"
                            "{\"journal\":\"zoo-bench\",\"run_id\":\"b\"}\n";
  EXPECT_EQ(read_all(file), ended);
  {
    Journal again(file);  // a whole last line gets nothing added
    again.append("{}");
  }
  EXPECT_EQ(read_all(file), ended + "{}\n");
}

// A line the file system takes only part of (here a file size limit, as a full disk would) is taken back
// whole: the journal keeps its earlier lines and no torn one.
TEST(ResultFile, AJournalAppendCutByAFullDiskLeavesNoPartOfItsLine) {
  const fs::path file = test::scratch_dir() / "full.journal.jsonl";
  const std::string first = std::string(100, 'a');
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // the write then fails with EFBIG instead of killing the process
    try {
      Journal journal(file);
      journal.append(first);
      const rlimit limit{4096, 4096};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(4);
      journal.append(std::string(10000, 'b'));
    } catch (const WriteError& e) {
      ::_exit(std::string(e.what()).find("appending to the journal failed") != std::string::npos ? 0 : 5);
    } catch (...) {
      ::_exit(6);
    }
    ::_exit(7);  // the append over the limit did not fail
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(read_all(file), first + "\n");
}

}  // namespace
}  // namespace zoobench
