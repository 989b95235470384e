#include "zoobench/report/result_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace zoobench {

namespace fs = std::filesystem;

namespace {

std::string reason(int error) { return std::strerror(error); }

[[noreturn]] void fail(const fs::path& file, const std::string& what, int error) {
  throw WriteError(fmt::format("{}: {}: {}", file.string(), what, reason(error)));
}

// Writes all of `text`, retrying short writes and signals; the errno of the failure, else 0.
int write_all(int fd, const std::string& text) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

// Owns a descriptor; close() is checked by whoever needs its result, the destructor is the fallback.
class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  int close() {  // errno of a failed close, else 0
    const int fd = m_fd;
    m_fd = -1;
    return ::close(fd) == 0 ? 0 : errno;
  }

 private:
  int m_fd;
};

// A unique temporary beside `file` (so the rename stays on one file system): ".out.json.XXXXXX".
std::string temp_template(const fs::path& file) {
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  return (folder / ("." + file.filename().string() + ".XXXXXX")).string();
}

}  // namespace

ResultTarget check_result_target(const fs::path& file) {
  std::error_code ec;
  const fs::file_status own = fs::symlink_status(file, ec);
  if (fs::is_directory(own)) {
    throw ConfigError(fmt::format("{}: is a folder, not a results file; give a file name inside it", file.string()));
  }
  if (fs::exists(own) && !fs::is_regular_file(own)) {
    const fs::file_status target = fs::status(file, ec);
    if (fs::is_character_file(target) || fs::is_fifo(target)) {
      if (::access(file.c_str(), W_OK) != 0) {
        throw ConfigError(fmt::format("{}: cannot write to this device: {}", file.string(), reason(errno)));
      }
      return ResultTarget::Stream;
    }
    // Replacing by a rename would replace a link itself (not its target), a socket or a block device.
    throw ConfigError(fmt::format("{}: exists and is not a regular file (a link, socket or block device); give "
                                  "another file name", file.string()));
  }
  std::string name = temp_template(file);
  Fd probe(::mkstemp(name.data()));
  if (probe.get() < 0) {
    throw ConfigError(fmt::format("{}: cannot write results file: {} (check the folder exists and is writable)",
                                  file.string(), reason(errno)));
  }
  ::unlink(name.c_str());
  return ResultTarget::RegularFile;
}

void replace_file_atomically(const fs::path& file, const std::string& text) {
  std::string temp = temp_template(file);
  Fd fd(::mkstemp(temp.data()));
  if (fd.get() < 0) fail(file, "cannot create a temporary file beside it", errno);
  // Whatever happens below, the temporary never outlives this call and the previous file stays.
  struct RemoveTemp {
    const std::string& name;
    bool armed = true;
    ~RemoveTemp() {
      if (armed) ::unlink(name.c_str());
    }
  } remove_temp{temp};
  ::fchmod(fd.get(), 0644);  // mkstemp's 0600 would hide the results from other users
  if (const int error = write_all(fd.get(), text)) fail(file, "writing the results failed", error);
  if (::fsync(fd.get()) != 0) fail(file, "writing the results to disk failed", errno);
  if (const int error = fd.close()) fail(file, "closing the results file failed", error);
  if (::rename(temp.c_str(), file.c_str()) != 0) fail(file, "cannot replace the results file", errno);
  remove_temp.armed = false;
}

void write_in_place(const fs::path& file, const std::string& text) {
  Fd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(file, "cannot open for writing", errno);
  if (const int error = write_all(fd.get(), text)) fail(file, "writing the results failed", error);
  if (const int error = fd.close()) fail(file, "closing failed", error);
}

void write_output_file(const fs::path& file, const std::string& text) {
  if (check_result_target(file) == ResultTarget::Stream) write_in_place(file, text);
  else replace_file_atomically(file, text);
}

// Holds an exclusive flock on a journal descriptor for one scope.
class JournalLock {
 public:
  JournalLock(int fd, const fs::path& file) : m_fd(fd) {
    while (::flock(m_fd, LOCK_EX) != 0) {
      if (errno != EINTR) fail(file, "cannot lock the journal", errno);
    }
  }
  ~JournalLock() { ::flock(m_fd, LOCK_UN); }
  JournalLock(const JournalLock&) = delete;
  JournalLock& operator=(const JournalLock&) = delete;

 private:
  int m_fd;
};

Journal::Journal(fs::path file) : m_file(std::move(file)) {
  // O_RDWR: the last byte is read to see whether an earlier run left a cut line.
  m_fd = ::open(m_file.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) fail(m_file, "cannot open the journal", errno);
  try {
    end_cut_line();
  } catch (...) {
    ::close(m_fd);
    throw;
  }
}

void Journal::end_cut_line() {
  const JournalLock lock(m_fd, m_file);
  const off_t size = ::lseek(m_fd, 0, SEEK_END);
  if (size < 0) fail(m_file, "cannot read the journal's size", errno);
  if (size == 0) return;
  char last = '\n';
  const ssize_t n = ::pread(m_fd, &last, 1, size - 1);
  if (n < 0) fail(m_file, "cannot read the journal", errno);
  // A line cut by a kill: ended here, so this run's header starts a line of its own.
  if (last != '\n') {
    if (const int error = write_all(m_fd, "\n")) fail(m_file, "appending to the journal failed", error);
  }
}

Journal::~Journal() {
  if (m_fd >= 0) ::close(m_fd);
}

void Journal::append(const std::string& line) {
  const std::string whole = line + "\n";
  int error = 0, sync_error = 0;
  {
    // The lock keeps a concurrent writer's line out of ours even where O_APPEND writes are not atomic
    // (network file systems); on a local disk the single write already is.
    const JournalLock lock(m_fd, m_file);
    const off_t start = ::lseek(m_fd, 0, SEEK_END);
    error = write_all(m_fd, whole);
    // A write cut part-way (disk full) is taken back, so no torn line stays for the next run to follow.
    if (error != 0 && start >= 0) {
      while (::ftruncate(m_fd, start) != 0 && errno == EINTR) {
      }
    }
    sync_error = error == 0 && ::fdatasync(m_fd) != 0 ? errno : 0;
  }
  if (error != 0) fail(m_file, "appending to the journal failed", error);
  if (sync_error != 0) fail(m_file, "writing the journal to disk failed", sync_error);
}

fs::path journal_path_for(const fs::path& json_file) {
  fs::path journal = json_file;
  return journal.replace_extension(".journal.jsonl");
}

}  // namespace zoobench
