#pragma once
// One exception family for the whole tool: main turns each into a one-line message and an exit code.
#include <stdexcept>
#include <string>

namespace zoobench {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A config file is wrong: the message names the file, the key and the line.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A model file is absent, a Git LFS pointer, corrupt, or not importable by this OpenCV.
class ModelError : public Error {
 public:
  enum class Kind { Missing, LfsPointer, Corrupt, Unsupported, Runtime };
  ModelError(Kind kind, const std::string& message) : Error(message), m_kind(kind) {}
  Kind kind() const { return m_kind; }

 private:
  Kind m_kind;
};

// Input data (images, label files, video) is absent or unreadable.
class DataError : public Error {
 public:
  using Error::Error;
};

// The data folder, or any file in it, is not there at all: like absent model files, "missing"
// (exit 3), not a failure.
class MissingDataError : public DataError {
 public:
  using DataError::DataError;
};

// The chosen backend/target cannot be used (not built in, no device, wrong architecture).
class DeviceError : public Error {
 public:
  using Error::Error;
};

// Process exit codes; README.md documents them.
enum ExitCode : int {
  kExitOk = 0,           // every selected benchmark ran
  kExitFailed = 1,       // at least one benchmark failed (bad model file, bad data, runtime error)
  kExitUsage = 2,        // bad command line or config
  kExitIncomplete = 3,   // nothing failed, but some models were absent or unsupported by this OpenCV
  kExitNoCuda = 4,       // --require-cuda or doctor: a CUDA row failed, fell back or is unverified
  kExitAnswersDiffer = 5,  // --require-same-answers: a GPU answer differs from the CPU's beyond tolerance
  kExitRegressed = 6,    // compare: a row is slower beyond the threshold, with its whole 95% interval
  kExitNotSaved = 7,     // a results file could not be written (disk full, folder gone): results not saved
};

}  // namespace zoobench
