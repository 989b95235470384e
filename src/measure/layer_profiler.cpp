#include "zoobench/measure/layer_profiler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>

#include <opencv2/core/utility.hpp>

#include "zoobench/catalog/model_file.hpp"
#include "zoobench/error.hpp"
#include "zoobench/measure/clock.hpp"
#include "zoobench/measure/log_capture.hpp"
#include "zoobench/stats/cut_sweeps.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

namespace {

std::string exception_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const cv::Exception& e) {
    return short_cv_message(e);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

// One call of `fn` inside a GPU window; the window's wall time is the call's.
template <typename Fn>
profile::GpuForward timed_window(GpuActivityRecorder& gpu, Fn&& fn) {
  gpu.begin();
  const auto t0 = Clock::now();
  fn();
  const double wall = ms_since(t0);
  profile::GpuForward f = gpu.end();
  f.wall_ms = wall;
  return f;
}

// The net's layers in execution order (Net::getLayerNames is by id, which is the order forward runs
// them), their types and whether each was set up off the requested backend.
std::vector<profile::LayerInfo> layers_of(cv::dnn::Net& net, const BackendTarget& requested) {
  std::map<std::string, std::string> backend_of;
  if (requested.placement_checked) {
    for (const auto& lp : parse_net_dump(net.dump())) backend_of[lp.layer] = lp.backend;
  }
  std::vector<profile::LayerInfo> layers;
  for (const auto& name : net.getLayerNames()) {
    profile::LayerInfo info;
    info.name = name;
    info.type = net.getLayer(net.getLayerId(name))->type;
    const auto it = backend_of.find(name);
    info.fallback = it != backend_of.end() && it->second != requested.backend_name;
    layers.push_back(std::move(info));
  }
  return layers;
}

// Milliseconds on the profile's clock (only differences are used).
double now_ms(ProfileSettings::Clock clock) {
  if (clock == ProfileSettings::Clock::Wall) {
    return std::chrono::duration<double, std::milli>(zoobench::Clock::now().time_since_epoch()).count();
  }
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// The net's per-layer times from OpenCV's layer timer for the forward just run, in ms.
std::vector<double> layer_timer_ms(cv::dnn::Net& net) {
  std::vector<double> ticks;
  net.getPerfProfile(ticks);
  const double ms_per_tick = 1000.0 / cv::getTickFrequency();
  for (double& t : ticks) t *= ms_per_tick;
  return ticks;
}

// Forwards the net to every unconnected output and pairs the wall time with OpenCV's layer timer.
struct WholeForward {
  cv::dnn::Net& net;
  std::vector<std::string> names;
  std::vector<cv::Mat> outputs;

  explicit WholeForward(cv::dnn::Net& n) : net(n), names(n.getUnconnectedOutLayersNames()) {}
  void run() { net.forward(outputs, names); }
  profile::HostForward timed(ProfileSettings::Clock clock) {
    profile::HostForward f;
    const double t0 = now_ms(clock);
    run();
    f.wall_ms = now_ms(clock) - t0;
    f.layer_ms = layer_timer_ms(net);
    return f;
  }
};

// OpenCV's layer timer over `repeats` whole forwards (after one that sets the net up again, untimed).
void time_layer_timer(WholeForward& whole, const ProfileSettings& settings, NetProfile& out) {
  whole.run();
  for (int i = 0; i < settings.repeats; ++i) out.host_forwards.push_back(whole.timed(settings.clock));
  out.host = profile::summarise_host_forwards(out.host_forwards, out.layers.size(), settings.sum_tolerance);
  out.reference_ms = out.host.layer_ms;
  out.host_segments = profile::host_segments(out.layers, out.host.layer_ms);
  out.host_fallbacks = profile::fallback_costs(out.host_segments);
  out.host_fallback_ms = profile::fallback_host_ms(out.layers, out.host.layer_ms);
}

// The cut points in alternating sweeps, whole forwards at both ends of each. A cut point OpenCV refuses
// is dropped at its first visit (its layers join the next segment).
void time_cut_sweeps(WholeForward& whole, const ProfileSettings& settings, NetProfile& out,
                     const ProfileProgress& progress) {
  const auto cut_points = profile::choose_cut_points(out.layers.size(), profile::fallback_neighbourhood(out.layers),
                                                     settings.max_cuts);
  std::vector<profile::CutTiming> timings(cut_points.size());
  std::vector<bool> refused(cut_points.size(), false);
  for (std::size_t i = 0; i < cut_points.size(); ++i) timings[i].layer = cut_points[i];
  out.sweeps = profile::sweep_count(settings.repeats, settings.per_visit);
  const auto sweep_start = Clock::now();
  // Whatever was timed is kept, also when a later forward throws.
  struct KeepTimings {
    std::vector<profile::CutTiming>& timings;
    const std::vector<bool>& refused;
    NetProfile& out;
    ~KeepTimings() {
      for (std::size_t i = 0; i < timings.size(); ++i) {
        if (!refused[i]) out.cuts.push_back(std::move(timings[i]));
      }
    }
  } keep{timings, refused, out};
  std::size_t sweep = 0;
  for (const auto& visit : profile::sweep_schedule(cut_points.size(), out.sweeps)) {
    if (visit.sweep != sweep && progress) {
      progress(fmt::format("{}: sweep {}/{} over {} cut points done, {:.1f} s", out.label, sweep + 1, out.sweeps,
                           cut_points.size(), ms_since(sweep_start) / 1000.0));
    }
    sweep = visit.sweep;
    if (visit.whole) {
      whole.run();  // re-setup for the whole net, then the warm-up
      whole.run();
      for (int i = 0; i < settings.per_visit; ++i) out.whole_ms.push_back(whole.timed(settings.clock).wall_ms);
      continue;
    }
    if (refused[visit.cut]) continue;
    const std::string& name = out.layers[cut_points[visit.cut]].name;
    try {
      whole.net.forward(name);  // sets the net up to stop here (untimed)
    } catch (const cv::Exception& e) {
      if (visit.cut + 1 == cut_points.size()) throw;  // the last layer must be reachable
      refused[visit.cut] = true;
      out.skipped_cuts.push_back(fmt::format("{}: {}", name, short_cv_message(e)));
      continue;
    }
    whole.net.forward(name);  // warm-up
    for (int i = 0; i < settings.per_visit; ++i) {
      const double t0 = now_ms(settings.clock);
      whole.net.forward(name);
      timings[visit.cut].samples_ms.push_back(now_ms(settings.clock) - t0);
    }
  }
}

void profile_net(cv::dnn::Net net, const PlanItem& item, const ProfileSettings& settings, NetProfile& out,
                 const ProfileProgress& progress) {
  const auto start = Clock::now();
  out.layers = layers_of(net, item.backend_target);
  // A net that fell back whole (an OpenCV without CUDA) has no fallback layers to isolate: say so once.
  out.whole_net_on_cpu = !out.layers.empty() && std::all_of(out.layers.begin(), out.layers.end(),
                                                            [](const profile::LayerInfo& l) { return l.fallback; });
  if (out.whole_net_on_cpu) {
    for (auto& l : out.layers) l.fallback = false;
  }
  WholeForward whole(net);
  out.outputs = whole.names.size();
  try {
    time_layer_timer(whole, settings, out);
    if (progress) {
      progress(fmt::format("{}: layer timer over {} forwards, {:.1f} s", out.label, out.host.forwards,
                           ms_since(start) / 1000.0));
    }
    time_cut_sweeps(whole, settings, out, progress);
  } catch (...) {
    out.error = exception_text(std::current_exception());
  }
  out.segments = profile::segments_from_cuts(out.layers, out.cuts, settings.estimator);
  out.fallbacks = profile::fallback_costs(out.segments);
  if (!out.whole_ms.empty() && out.error.empty()) {
    out.sum_check = profile::check_sum(out.segments, profile::estimate(out.whole_ms, settings.estimator),
                                       settings.sum_tolerance);
  }
  if (out.reference_ms.size() == out.layers.size() && !out.segments.empty()) {
    out.validation = profile::validate_against(out.segments, out.reference_ms, settings.top_n);
  }
  out.seconds = ms_since(start) / 1000.0;
}

// Steady forwards alternately without and with the recording, after the steady block.
void time_recording_control(Model& model, GpuActivityRecorder& gpu, int repeats, ModelProfile& p) {
  if (!gpu.available()) {
    p.recording_note = "no control: GPU activity is not recorded";
    return;
  }
  for (int i = 0; i < repeats; ++i) {
    if (!gpu.set_recording(false)) {
      gpu.set_recording(true);
      p.unrecorded_ms.clear();
      p.recorded_control.clear();
      p.recording_note = "no control: CUPTI refused to disable its activity kinds";
      return;
    }
    const auto t0 = Clock::now();
    model.infer();
    p.unrecorded_ms.push_back(ms_since(t0));
    if (!gpu.set_recording(true)) {
      p.recording_note = "CUPTI refused to enable its activity kinds again: the control stopped there";
      break;
    }
    p.recorded_control.push_back(timed_window(gpu, [&] { model.infer(); }));
  }
  std::vector<double> recorded, kernels;
  for (const auto& f : p.recorded_control) {
    recorded.push_back(f.wall_ms);
    kernels.push_back(static_cast<double>(f.kernels));
  }
  p.recording_overhead = profile::recording_overhead(recorded, p.unrecorded_ms);
  // A re-enabled recording that sees fewer kernels than the steady block costs less than the real one.
  if (!kernels.empty() && stats::median(kernels) < p.gpu.kernels && p.recording_note.empty()) {
    p.recording_note = fmt::format("after re-enabling, CUPTI saw {:.0f} kernels per forward instead of {:.0f}: the "
                                   "ratio understates its cost",
                                   stats::median(kernels), p.gpu.kernels);
  }
}

// The verdict from the steady forwards' GPU activity and the layer timer of every net.
void judge(ModelProfile& p) {
  const bool on_cpu = std::all_of(p.nets.begin(), p.nets.end(), [](const NetProfile& n) { return n.whole_net_on_cpu; });
  if (p.nets.empty() || on_cpu) return;  // no GPU forward to judge
  std::size_t fallback_layers = 0;
  double fallback_ms = 0, host_wall_ms = 0;
  bool host_known = !p.nets.empty();
  for (const auto& net : p.nets) {
    for (const auto& l : net.layers) fallback_layers += l.fallback ? 1 : 0;
    if (!net.host.unavailable.empty() || net.host.forwards == 0) host_known = false;
    fallback_ms += net.host_fallback_ms;
    host_wall_ms += net.host.wall_ms;
  }
  p.verdict = profile::classify_bound(p.gpu, p.gpu_recorded, fallback_layers, fallback_ms, host_known ? host_wall_ms : 0);
}

}  // namespace

ModelProfile profile_item(const PlanItem& item, const ProfileSettings& settings, GpuActivityRecorder& gpu,
                          std::optional<bool> device_runs_fp16, const ProcessState& process,
                          const ProfileProgress& progress) {
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  ModelProfile p;
  p.settings = settings;
  p.config = item.config_name;
  p.model = item.config ? item.config->model_name : "-";
  p.files = item.variant.files.empty() ? "-" : item.variant.file_list();
  p.backend_target = item.backend_target;
  p.gpu_status = gpu.status();
  p.gpu_recorded = gpu.available();
  p.cold.warm_process = !process.warm_reason.empty();
  if (p.cold.warm_process) {
    p.cold.process = "warm process: " + process.warm_reason;
    if (process.cuda_initialised) p.cold.process += "; CUDA context and cuDNN already initialised";
  }
  p.cold.cuda_context_ms = process.cuda_context_ms;
  p.cold.cuda_context_note = process.cuda_context_note;
  if (!item.runnable()) {
    p.status = item.status;
    p.message = item.reason;
    return p;
  }
  if (item.family->is_tracker()) {
    p.status = Status::Unsupported;
    p.message = fmt::format("{} is a tracker: cv::Tracker hides its nets, so they cannot be stopped at a layer",
                            item.family->name);
    return p;
  }
  const InputGroup* group = nullptr;
  for (const auto& g : *item.inputs) {
    if (!g.items.empty()) {
      group = &g;
      break;
    }
  }
  if (group == nullptr) {
    p.status = Status::Missing;
    p.message = "no image input for this config";
    return p;
  }
  p.input_size = fmt::format("[{}, {}]", group->size.width, group->size.height);
  const InputItem& input = group->items.front();
  const cv::Mat label_row = input.labels.empty() ? cv::Mat() : input.labels.row(0);

  std::string log;
  std::unique_ptr<Model> model;
  try {
    const auto& factory = std::get<ModelFactory>(item.family->factory);
    const auto t0 = Clock::now();
    with_captured_log(log, [&] { model = factory(ModelContext{item.variant.files, item.config->params,
                                                              item.backend_target}); });
    p.cold.load_ms = ms_since(t0);
    p.loaded = true;
    model->set_input_size(group->size);
    model->preprocess(input.image, label_row);
    with_captured_log(log, [&] { p.first_forward_gpu = timed_window(gpu, [&] { model->infer(); }); });
    gpu.first_forward_done();
    p.cold.first_forward_ms = p.first_forward_gpu.wall_ms;
    const auto t1 = Clock::now();
    model->infer();
    p.cold.second_forward_ms = ms_since(t1);
    for (int i = 0; i < settings.repeats; ++i) {
      p.steady_gpu.push_back(timed_window(gpu, [&] { model->infer(); }));
      p.steady_ms.push_back(p.steady_gpu.back().wall_ms);
    }
    p.cold.steady_ms = stats::median(p.steady_ms);
    if (gpu.available()) p.gpu = profile::summarise_gpu(p.steady_gpu);
    time_recording_control(*model, gpu, settings.repeats, p);
    PlacementInput view;
    for (auto net : model->nets()) view.dumps.push_back(net.dump());
    view.net_visible = !view.dumps.empty();
    if (!view.net_visible) view.hidden_by = "an OpenCV API without a Net handle";
    view.captured_log = log;
    view.device_runs_fp16 = device_runs_fp16;
    p.device = analyse_placement(view, item.backend_target);
    say(fmt::format("{} on {}: load {:.1f} ms, first forward {:.1f} ms, steady {:.3f} ms", p.model,
                    item.backend_target.name, p.cold.load_ms, p.cold.first_forward_ms, p.cold.steady_ms));
  } catch (const ModelError& e) {  // absent files, or a model this OpenCV cannot import
    p.status = status_for(e.kind());
    p.message = e.what();
    return p;
  } catch (const MissingDataError& e) {
    p.status = Status::Missing;
    p.message = e.what();
    return p;
  } catch (...) {
    p.status = Status::Failed;
    p.message = exception_text(std::current_exception());
    return p;
  }

  const auto nets = model->nets();
  if (nets.empty()) {
    p.status = Status::Unsupported;
    p.message = fmt::format("{} runs through an OpenCV API that hides its net: no per-layer profile",
                            item.family->name);
    return p;
  }
  for (std::size_t n = 0; n < nets.size(); ++n) {
    NetProfile net_profile;
    net_profile.label = fmt::format("net {}/{}", n + 1, nets.size());
    profile_net(nets[n], item, settings, net_profile, [&](const std::string& line) { say(p.model + " " + line); });
    say(fmt::format("{} {}: {} layers, {} cut points x {} sweeps, {:.1f} s{}", p.model, net_profile.label,
                    net_profile.layers.size(), net_profile.cuts.size(), net_profile.sweeps, net_profile.seconds,
                    net_profile.error.empty() ? "" : ", failed: " + net_profile.error));
    if (!net_profile.error.empty() && p.status == Status::Ok) {
      p.status = Status::Failed;
      p.message = fmt::format("{}: {}", net_profile.label, net_profile.error);
    }
    p.nets.push_back(std::move(net_profile));
  }
  judge(p);
  return p;
}

}  // namespace zoobench
