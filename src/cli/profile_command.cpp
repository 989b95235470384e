#include "zoobench/measure/heap.hpp"
#include "zoobench/cli/profile_command.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "zoobench/cli/app.hpp"
#include "zoobench/cli/device_run.hpp"
#include "zoobench/device/cuda_context.hpp"
#include "zoobench/device/device_choice.hpp"
#include "zoobench/device/environment.hpp"
#include "zoobench/error.hpp"
#include "zoobench/plan/plan.hpp"
#include "zoobench/report/profile_report.hpp"
#include "zoobench/report/result_file.hpp"

namespace zoobench {

namespace {

// The GPU the profile runs on: `--device N`, or OpenCV's default (0). One GPU only: a profile times one
// forward after another, so 'all' would only repeat it. Checked against the visible devices later.
int profile_device(const std::string& device_option, const Plan& plan) {
  if (device_option.empty()) return 0;
  const DeviceChoice choice = parse_device_choice(device_option);
  if (choice.all) {
    throw ConfigError("profile: --device all is not supported: a profile runs on one GPU; give --device N (one "
                      "profile per GPU)");
  }
  const bool any_cuda = std::any_of(plan.items.begin(), plan.items.end(),
                                    [](const PlanItem& i) { return i.backend_target.is_cuda(); });
  if (!any_cuda) {
    throw ConfigError(fmt::format("profile: --device {} chooses the GPU for CUDA backend/targets, and none is "
                                  "selected: add --backend-target 1 or 2, or drop --device",
                                  choice.text()));
  }
  return *choice.index;
}

}  // namespace

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
  const int device = profile_device(bench.device, plan);
  // The context is created here, timed, before anything else touches the GPU (reading the environment
  // below queries every device's memory, which would create it untimed).
  ProcessState process;
  if (options.after_run) {
    process.warm_reason = "profiled after the benchmark run of the same selection in this process";
  }
  if (any_cuda) {
    const ContextCreation context = create_cuda_context(device);  // also binds this thread to `device`
    process.cuda_context_ms = context.ms;
    process.cuda_context_note = context.note;
    if (context.ms >= 0 && gpu->available()) process.cuda_context_note += ", with CUPTI's recording already on";
    if (options.after_run && context.ms >= 0) {
      process.cuda_context_ms = -1;
      process.cuda_context_note = "not measured: the benchmark run before created the CUDA context";
    }
  }
  pin_heap();  // as for a run: the profile's forwards must not page-fault in fresh scratch buffers
  const Environment environment = collect_environment(command_line);
  if (!bench.device.empty()) {
    devices_for_run(bench.device, plan, environment.gpus);  // an index that does not exist
    bind_thread_to_gpu(device);  // again: reading the environment visited every device
  }
  // With a CUDA OpenCV and a device, the run before has set up CUDA and cuDNN in this process.
  const bool cuda_works = !environment.gpus.empty();
  process.cuda_initialised = options.after_run && any_cuda && cuda_works;
  std::optional<bool> runs_fp16;
  for (const auto& g : environment.gpus) {
    if (g.index == device) runs_fp16 = g.opencv_fp16;
  }

  std::vector<ModelProfile> profiles;
  std::size_t loaded = 0;
  bool json_not_saved = false;
  for (const auto& item : plan.items) {
    profiles.push_back(profile_item(item, options.settings, *gpu, runs_fp16, process, [&err](const std::string& line) {
      fmt::print(err, "zoo-bench: profile: {}\n", line);
      err.flush();
    }));
    // Whatever comes next runs in a warm process, with the context created above already in place.
    // Only items that loaded a model warm the process up (whatever happened after); a missing or
    // unloadable file does not.
    if (profiles.back().loaded) ++loaded;
    const std::size_t done = loaded;
    if (!options.after_run && done > 0) {
      process.warm_reason = fmt::format("{} item{} profiled before in this process", done, done == 1 ? "" : "s");
    }
    process.cuda_initialised = process.cuda_initialised || (item.backend_target.is_cuda() && cuda_works);
    if (process.cuda_context_ms >= 0) {
      process.cuda_context_ms = -1;
      process.cuda_context_note = "not measured: created before the first item of this profile";
    }
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
