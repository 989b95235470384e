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

// Whole forwards of the net (every unconnected output); on the CPU also getPerfProfile per layer.
void time_whole(cv::dnn::Net& net, int repeats, bool reference, ProfileSettings::Clock clock, NetProfile& out,
                std::vector<std::vector<double>>& per_layer) {
  const auto names = net.getUnconnectedOutLayersNames();
  out.outputs = names.size();
  std::vector<cv::Mat> outputs;
  net.forward(outputs, names);  // sets the net up for its own outputs again (untimed)
  const double ms_per_tick = 1000.0 / cv::getTickFrequency();
  for (int i = 0; i < repeats; ++i) {
    const double t0 = now_ms(clock);
    net.forward(outputs, names);
    out.whole_ms.push_back(now_ms(clock) - t0);
    if (!reference) continue;
    std::vector<double> ticks;
    net.getPerfProfile(ticks);
    per_layer.resize(ticks.size());
    for (std::size_t l = 0; l < ticks.size(); ++l) per_layer[l].push_back(ticks[l] * ms_per_tick);
  }
}

void profile_net(cv::dnn::Net net, const PlanItem& item, const ProfileSettings& settings, NetProfile& out) {
  const auto start = Clock::now();
  out.layers = layers_of(net, item.backend_target);
  // A net that fell back whole (an OpenCV without CUDA) has no fallback layers to isolate: say so once.
  out.whole_net_on_cpu = !out.layers.empty() && std::all_of(out.layers.begin(), out.layers.end(),
                                                            [](const profile::LayerInfo& l) { return l.fallback; });
  if (out.whole_net_on_cpu) {
    for (auto& l : out.layers) l.fallback = false;
  }
  const bool reference = !item.backend_target.accelerator;  // getPerfProfile is right on the CPU only
  std::vector<std::vector<double>> per_layer;
  try {
    const int half = std::max(1, settings.repeats / 2);
    time_whole(net, half, reference, settings.clock, out, per_layer);
    const auto cut_points = profile::choose_cut_points(out.layers.size(), profile::fallback_neighbourhood(out.layers),
                                                       settings.max_cuts);
    for (std::size_t layer : cut_points) {
      profile::CutTiming cut;
      cut.layer = layer;
      const std::string& name = out.layers[layer].name;
      try {
        net.forward(name);  // sets the net up to stop here (untimed)
      } catch (const cv::Exception& e) {
        if (layer + 1 == out.layers.size()) throw;  // the last layer must be reachable
        out.skipped_cuts.push_back(fmt::format("{}: {}", name, short_cv_message(e)));
        continue;
      }
      for (int i = 0; i < settings.repeats; ++i) {
        const double t0 = now_ms(settings.clock);
        net.forward(name);
        cut.samples_ms.push_back(now_ms(settings.clock) - t0);
      }
      out.cuts.push_back(std::move(cut));
    }
    time_whole(net, settings.repeats - half > 0 ? settings.repeats - half : 1, reference, settings.clock, out,
               per_layer);
  } catch (...) {
    out.error = exception_text(std::current_exception());
  }
  out.segments = profile::segments_from_cuts(out.layers, out.cuts, settings.estimator);
  out.fallbacks = profile::fallback_costs(out.segments);
  if (!out.whole_ms.empty() && out.error.empty()) {
    out.sum_check = profile::check_sum(out.segments, profile::estimate(out.whole_ms, settings.estimator),
                                       settings.sum_tolerance);
  }
  if (reference && per_layer.size() == out.layers.size() && !out.segments.empty()) {
    for (const auto& samples : per_layer) out.reference_ms.push_back(profile::estimate(samples, settings.estimator));
    out.validation = profile::validate_against(out.segments, out.reference_ms, settings.top_n);
  }
  out.seconds = ms_since(start) / 1000.0;
}

}  // namespace

ModelProfile profile_item(const PlanItem& item, const ProfileSettings& settings, GpuActivityRecorder& gpu,
                          std::optional<bool> device_runs_fp16, const ProfileProgress& progress) {
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
    model->set_input_size(group->size);
    model->preprocess(input.image, label_row);
    with_captured_log(log, [&] { p.first_forward_gpu = timed_window(gpu, [&] { model->infer(); }); });
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
    profile_net(nets[n], item, settings, net_profile);
    say(fmt::format("{} {}: {} layers, {} cut points, {:.1f} s{}", p.model, net_profile.label, net_profile.layers.size(),
                    net_profile.cuts.size(), net_profile.seconds,
                    net_profile.error.empty() ? "" : ", failed: " + net_profile.error));
    if (!net_profile.error.empty() && p.status == Status::Ok) {
      p.status = Status::Failed;
      p.message = fmt::format("{}: {}", net_profile.label, net_profile.error);
    }
    p.nets.push_back(std::move(net_profile));
  }
  return p;
}

}  // namespace zoobench
