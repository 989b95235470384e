#include "zoobench/measure/heap.hpp"
#include "zoobench/cli/profile_command.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "zoobench/cli/app.hpp"
#include "zoobench/device/environment.hpp"
#include "zoobench/error.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/report/profile_report.hpp"
#include "zoobench/report/result_file.hpp"

namespace zoobench {

int run_profile_command(const BenchOptions& bench, const ProfileOptions& options, const std::string& command_line,
                        std::ostream& out, std::ostream& err) {
  if (!bench.all && bench.configs.empty()) throw ConfigError("profile: nothing to profile: give -c CONFIG (or --all)");
  // A JSON path that cannot be written is a usage error found before anything is measured.
  const bool json_to_stream =
      !options.json_file.empty() && check_result_target(options.json_file) == ResultTarget::Stream;
  PlanOptions plan_options = make_plan_options(bench);
  plan_options.trials = 1;
  plan_options.cpu_baseline = false;
  const bool strict = bench.configs.size() == 1 && !bench.all;
  const Plan plan = make_plan(select_configs(bench), plan_options, strict);
  for (const auto& w : plan.warnings) fmt::print(err, "zoo-bench: warning: {}\n", w);
  const bool any_accelerator = std::any_of(plan.items.begin(), plan.items.end(),
                                           [](const PlanItem& i) { return i.backend_target.accelerator; });
  if (any_accelerator && options.settings.clock == ProfileSettings::Clock::ProcessCpu) {
    throw ConfigError("profile: --clock cpu measures the CPU's work only: use it with --backend-target 0, or drop it");
  }

  // CUPTI must be on before any CUDA context or net exists: created before the environment is read
  // (that asks OpenCV for its devices) and before any model is loaded.
  const bool any_cuda = std::any_of(plan.items.begin(), plan.items.end(),
                                    [](const PlanItem& i) { return i.backend_target.is_cuda(); });
  const auto gpu = make_gpu_activity_recorder(!any_cuda                ? "not recorded: no CUDA target selected"
                                              : !options.gpu_activity ? "not recorded (--no-gpu-activity)"
                                                                      : "");
  pin_heap();  // as for a run: the profile's forwards must not page-fault in fresh scratch buffers
  const Environment environment = collect_environment(command_line);
  const std::optional<bool> runs_fp16 =
      environment.gpus.empty() ? std::nullopt : std::optional<bool>(environment.gpus.front().opencv_fp16);

  std::vector<ModelProfile> profiles;
  bool json_not_saved = false;
  for (const auto& item : plan.items) {
    profiles.push_back(profile_item(item, options.settings, *gpu, runs_fp16, [&err](const std::string& line) {
      fmt::print(err, "zoo-bench: profile: {}\n", line);
      err.flush();
    }));
    print_profile(profiles.back(), out);
    // Rewritten after every profile, so what was measured is kept if a later one crashes; a device or
    // pipe gets it once, at the end.
    if (options.json_file.empty() || (json_to_stream && &item != &plan.items.back())) continue;
    try {
      write_profiles_json(options.json_file, profiles, environment);
    } catch (const WriteError& e) {
      fmt::print(err, "zoo-bench: error: {}\n", e.what());
      json_not_saved = true;
    }
  }
  bool failed = false, incomplete = false;
  for (const auto& p : profiles) {
    if (p.status == Status::Failed) failed = true;
    if (p.status == Status::Missing || p.status == Status::Unsupported) incomplete = true;
  }
  if (profiles.empty()) throw ConfigError("profile: the selection holds nothing to profile");
  return json_not_saved ? kExitNotSaved : failed ? kExitFailed : incomplete ? kExitIncomplete : kExitOk;
}

}  // namespace zoobench
