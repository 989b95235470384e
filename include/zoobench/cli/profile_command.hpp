#pragma once
// `zoo-bench profile` and `--profile` on ordinary runs: per-layer profiles of the selected configs on the
// selected backend/targets (measure/layer_profiler.hpp), printed and optionally written as JSON.
#include <ostream>
#include <string>

#include "zoobench/cli/options.hpp"
#include "zoobench/measure/layer_profiler.hpp"

namespace zoobench {

struct ProfileOptions {
  ProfileSettings settings;
  std::string json_file;       // every layer of every profile
  bool gpu_activity = true;    // --no-gpu-activity: do not enable CUPTI
  // --profile on an ordinary run: the run before left this process warm (its items ran, CUDA and
  // cuDNN initialised); the cold-start block says so instead of passing warm numbers for cold ones.
  bool after_run = false;
};

// Profiles every item of the plan the options select (one trial, no CPU baseline added), on the GPU
// `--device N` names (one GPU; 'all' is refused). Returns
// kExitOk, kExitFailed (a profile failed or the JSON could not be written) or kExitIncomplete (some
// were missing or unsupported). Throws ConfigError for usage errors.
int run_profile_command(const BenchOptions& bench, const ProfileOptions& options, const std::string& command_line,
                        std::ostream& out, std::ostream& err);

}  // namespace zoobench
