#pragma once
// Writing result files so that nothing half-written is ever read. A regular file is replaced
// atomically: a temporary with a unique name beside it is written, synced, closed and renamed over it,
// so a reader, a kill -9 at any moment, or a second zoo-bench process writing into the same folder sees
// either the previous complete file or the new one. A character device or a pipe (/dev/stdout,
// /dev/full) cannot be renamed over and is written in place. Every write, sync, close and rename is
// checked: a failure throws WriteError naming the file and the system's reason.
#include <filesystem>
#include <string>

#include "zoobench/error.hpp"

namespace zoobench {

// A results file could not be saved (disk full, folder removed, no rights).
class WriteError : public Error {
 public:
  using Error::Error;
};

enum class ResultTarget { RegularFile, Stream };  // Stream: a character device or a FIFO, written in place

// Checks before anything is measured that `file` can be written: throws ConfigError for a folder, a
// symbolic link, a socket, a missing folder or one without write rights.
ResultTarget check_result_target(const std::filesystem::path& file);

// Replaces `file` with `text` atomically (see above). Throws WriteError; `file` is then unchanged.
void replace_file_atomically(const std::filesystem::path& file, const std::string& text);

// Writes `text` to a device or pipe in place. Throws WriteError.
void write_in_place(const std::filesystem::path& file, const std::string& text);

// A whole output written in one go (report's and compare's files, profile JSON, doctor --json): checks
// `file` as check_result_target does (ConfigError), then replaces it atomically or, for a device or
// pipe, writes it in place (WriteError).
void write_output_file(const std::filesystem::path& file, const std::string& text);

// A JSON-Lines journal opened for appending. Each append() is one whole line written by a single
// write() on an O_APPEND descriptor under an exclusive flock, then synced: lines of two processes never
// interleave, and a kill leaves every line that append() returned from. A write that fails part-way is
// truncated away; a line an earlier run left cut (killed mid-write) is ended when the journal is opened.
class Journal {
 public:
  explicit Journal(std::filesystem::path file);  // creates it if needed; throws WriteError
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void append(const std::string& line);  // `line` holds no newline; throws WriteError
  const std::filesystem::path& path() const { return m_file; }

 private:
  void end_cut_line();  // under the lock: a '\n' after a last line that has none

  std::filesystem::path m_file;
  int m_fd = -1;
};

// The journal that goes with results file `json_file`: out.json -> out.journal.jsonl.
std::filesystem::path journal_path_for(const std::filesystem::path& json_file);

}  // namespace zoobench
