#pragma once
// --resume FILE: carry on a run that was cut short. The records the earlier run finished come from the
// results file and its journal (which holds every finished row, even one the file had no time to
// receive), the latest of each; plan items they already cover are skipped, the rest run and are appended.
#include <filesystem>
#include <string>
#include <vector>

#include "zoobench/device/environment.hpp"
#include "zoobench/measure/record.hpp"
#include "zoobench/plan/plan.hpp"

namespace zoobench {

struct ResumeState {
  std::string run_id;              // the earlier run's: journal lines of both runs then belong together
  std::vector<RunRecord> records;  // what it finished
  std::string source;              // where they were read from, for the message
  int skipped_lines = 0;           // journal lines cut by the kill
};

// When `file` was never written, its journal alone. Throws ConfigError naming the file (and the journal)
// when neither exists, or they are not a run of this machine and OpenCV build.
ResumeState load_resume(const std::filesystem::path& file, const Environment& here);

// Drops from `plan` the items `state` already measured (every input size has a record that is not a
// failure) and from `state` the records of the items that will run again (failed or partly measured).
// Throws ConfigError when a kept record was measured with other warm-up/repeat settings.
// Returns how many items were skipped.
int skip_measured_items(Plan& plan, ResumeState& state);

}  // namespace zoobench
