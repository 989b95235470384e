#include "zoobench/report/profile_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "zoobench/error.hpp"
#include "zoobench/report/json_text.hpp"
#include "zoobench/report/result_file.hpp"
#include "zoobench/report/table.hpp"
#include "zoobench/stats/stats.hpp"

namespace zoobench {

namespace {

using nlohmann::json;

std::string ms(double v) { return fmt::format("{:.3f}", v); }

std::vector<double> recorded_walls(const ModelProfile& p) {
  std::vector<double> walls;
  for (const auto& f : p.recorded_control) walls.push_back(f.wall_ms);
  return walls;
}
std::string pct(double share) { return fmt::format("{:.1f}%", 100.0 * share); }

std::string layer_range(const NetProfile& net, const profile::Segment& s) {
  if (s.first == s.last) return net.layers[s.first].name;
  return fmt::format("{} .. {} ({} layers)", net.layers[s.first].name, net.layers[s.last].name, s.layer_count());
}

void print_gpu(const ModelProfile& p, std::ostream& out) {
  if (!p.gpu_recorded) {
    fmt::print(out, "GPU activity: {}\n", p.gpu_status);
    return;
  }
  const auto& g = p.gpu;
  fmt::print(out, "GPU activity ({}), median per steady forward of {}:\n", p.gpu_status, g.forwards);
  fmt::print(out, "  kernels {:.0f}, copies {:.0f} (to device {:.0f}, to host {:.0f}), memsets {:.0f}\n", g.kernels,
             g.copies, g.copies_to_device, g.copies_to_host, g.memsets);
  fmt::print(out, "  GPU busy {} ms of {} ms wall: busy share {}\n", ms(g.busy_ms), ms(g.wall_ms), pct(g.busy_share));
  std::string kinds;
  for (const auto& [kind, n] : g.records_by_kind) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, n);
  fmt::print(out, "  records by kind over {} forwards: {}{}\n", g.forwards, kinds.empty() ? "none" : kinds,
             g.dropped > 0 ? fmt::format(" (CUPTI DROPPED {} records)", g.dropped) : "");
  const auto& f = p.first_forward_gpu;
  fmt::print(out, "  first forward: kernels {}, copies {}, memsets {}, busy {} ms of {} ms\n", f.kernels, f.copies,
             f.memsets, ms(f.busy_ms), ms(f.wall_ms));
  if (p.recording_overhead > 0) {
    std::vector<double> kernels;
    for (const auto& c : p.recorded_control) kernels.push_back(static_cast<double>(c.kernels));
    fmt::print(out,
               "  CUPTI's own cost: a recorded forward takes {:.3f}x an unrecorded one (medians {} vs {} ms, {} "
               "interleaved pairs; recorded ones saw {:.0f} kernels each){}\n",
               p.recording_overhead, ms(stats::median(recorded_walls(p))), ms(stats::median(p.unrecorded_ms)),
               p.unrecorded_ms.size(), stats::median(kernels),
               p.recording_note.empty() ? "" : "; " + p.recording_note);
  } else {
    fmt::print(out, "  CUPTI's own cost: {}\n", p.recording_note.empty() ? "not measured" : p.recording_note);
  }
}

// The verdict line with its evidence; "no verdict" says what is missing.
void print_verdict(const ModelProfile& p, std::ostream& out) {
  const auto& v = p.verdict;
  if (!p.backend_target.accelerator) return;
  const bool on_cpu = !p.nets.empty() && std::all_of(p.nets.begin(), p.nets.end(),
                                                      [](const NetProfile& n) { return n.whole_net_on_cpu; });
  if (v.bound == profile::Bound::Unknown || on_cpu) {
    fmt::print(out, "Verdict: none: {}\n", on_cpu             ? "the nets were set up on the CPU, not on the GPU"
                                            : p.gpu_recorded ? "no steady forward recorded"
                                                             : p.gpu_status);
    return;
  }
  const auto& g = p.gpu;
  std::string fallback;
  if (v.fallback_layers == 0) {
    fallback = "no layer fell back to the CPU";
  } else if (v.fallback_known) {
    fallback = fmt::format("{} CPU-fallback layer(s) take {} ms of host time ({} of the layer timer's forward)",
                           v.fallback_layers, ms(v.fallback_ms), pct(v.fallback_share));
  } else {
    fallback = fmt::format("{} CPU-fallback layer(s), their host time unknown (no layer timer)", v.fallback_layers);
  }
  std::string cause;
  if (v.bound == profile::Bound::HostBoundFallback) cause = ": the fallback layers cover most of the GPU's idle time";
  if (v.bound == profile::Bound::HostBoundMixed) {
    cause = ": kernel launches and OpenCV's host work per layer, and the CPU fallback layers, share the GPU's idle time";
  }
  if (v.bound == profile::Bound::HostBoundLaunch) {
    cause = ": the GPU's idle time is kernel launches and OpenCV's host work per layer, not CPU fallback";
  }
  fmt::print(out, "Verdict: {}{}. Evidence: GPU busy {} of the forward ({} of {} ms); {:.0f} kernel launches, {:.0f} "
                  "copies ({:.0f} to host, {:.0f} to device); {} (GPU-BOUND from a busy share of {})\n",
             profile::bound_name(v.bound), cause, pct(v.busy_share), ms(g.busy_ms), ms(g.wall_ms), g.kernels, g.copies,
             g.copies_to_host, g.copies_to_device, fallback, pct(profile::kLaunchBoundShare));
}

// Costliest segments, time by type and the fallback layers, for either source of per-layer times.
void print_segment_tables(const ModelProfile& p, const NetProfile& net, const std::vector<profile::Segment>& segments,
                          const std::vector<profile::FallbackCost>& fallbacks, bool cut_method, std::ostream& out) {
  const double total = profile::segments_sum(segments);
  Table top({"#", cut_method ? "layers" : "layer", "type", "ms", "share", cut_method ? "+/- (IQR)" : "", "note"},
            {Table::Align::Right, Table::Align::Left, Table::Align::Left, Table::Align::Right, Table::Align::Right,
             Table::Align::Right});
  int rank = 0;
  for (std::size_t i : profile::costliest(segments, p.settings.top_n)) {
    const auto& s = segments[i];
    top.add_row({std::to_string(++rank), layer_range(net, s), s.type, ms(s.ms), total > 0 ? pct(s.ms / total) : "-",
                 cut_method ? ms(s.cut_spread_ms) : "", s.fallback_layers.empty() ? "" : "CPU FALLBACK"});
  }
  fmt::print(out, "{}:\n{}", cut_method ? "Costliest segments" : "Costliest layers", top.to_text());
  // Grouped segments ("Concat+Convolution+...") have no single type: such a table would not be by type.
  const bool mixed = std::any_of(segments.begin(), segments.end(),
                                 [](const profile::Segment& s) { return s.type.find('+') != std::string::npos; });
  if (mixed) {
    fmt::print(out, "Time by layer type: not shown for these segments, which group layers of several types (the layer "
                    "timer's table has it per layer)\n");
  } else {
    Table types({"type", "layers", "ms", "share"},
                {Table::Align::Left, Table::Align::Right, Table::Align::Right, Table::Align::Right});
    for (const auto& t : profile::time_by_type(segments)) {
      types.add_row({t.type, std::to_string(t.layers), ms(t.ms), pct(t.share)});
    }
    fmt::print(out, "Time by layer type:\n{}", types.to_text());
  }
  if (fallbacks.empty()) return;
  Table fb({"fallback layer", "own ms", cut_method ? "next segment ms" : "next layer ms", "with copies ms"},
           {Table::Align::Left, Table::Align::Right, Table::Align::Right, Table::Align::Right});
  auto order = fallbacks;
  std::stable_sort(order.begin(), order.end(), [](const profile::FallbackCost& a, const profile::FallbackCost& b) {
    return a.with_copies_ms > b.with_copies_ms;
  });
  double all = 0;
  for (const auto& f : order) all += f.with_copies_ms;
  for (std::size_t i = 0; i < order.size() && i < p.settings.top_n; ++i) {
    const auto& f = order[i];
    fb.add_row({f.layer, ms(f.own_ms), ms(f.next_ms), ms(f.with_copies_ms)});
  }
  fmt::print(out,
             "Layers that fell back to the CPU: {}, with copies {} ms in all (own {}, plus the next {} after the last of "
             "a run of CPU layers; an estimate, not a bound){}:\n{}",
             order.size(), ms(all), cut_method ? "segment" : "time, which includes the download of its input",
             cut_method ? "one" : "layer's time (the upload of its output and that layer's own launches)",
             order.size() > p.settings.top_n ? "; the costliest listed, all in the JSON" : "",
             fb.to_text());
}

void print_layer_timer(const ModelProfile& p, const NetProfile& net, std::ostream& out) {
  const auto& h = net.host;
  const bool accelerator = p.backend_target.accelerator && !net.whole_net_on_cpu;
  fmt::print(out, "Host time per layer ({}), median of {} whole forwards:\n",
             accelerator ? "OpenCV's layer timer; on CUDA: launch + host work + waits, not GPU execution"
                         : "OpenCV's layer timer, getPerfProfile; on the CPU: each layer's compute time",
             h.forwards);
  if (!h.unavailable.empty()) {
    fmt::print(out, "  not available: {}\n", h.unavailable);
    return;
  }
  print_segment_tables(p, net, net.host_segments, net.host_fallbacks, false, out);
  fmt::print(out,
             "Check (layer timer): per forward, the layers add up to {} ms of a {} ms forward: median gap {} ({} ms), "
             "{} (tolerance {}; the gap is what the layer timer does not see: {})\n",
             ms(h.sum_ms), ms(h.wall_ms), pct(h.relative_gap), ms(h.gap_ms), h.within ? "within" : "OUTSIDE",
             pct(h.tolerance),
             accelerator ? "the final synchronisation with the GPU, the output copies and the forward call's own cost"
                         : "the forward call's own cost and the output copies");
}

void print_net(const ModelProfile& p, const NetProfile& net, std::ostream& out) {
  fmt::print(out, "\n{}: {} layers, {:.1f} s\n", net.label, net.layers.size(), net.seconds);
  if (!net.error.empty()) fmt::print(out, "  FAILED: {} (what was measured before is kept)\n", net.error);
  if (net.whole_net_on_cpu) {
    fmt::print(out, "  the whole net was set up on the CPU, not on {}: these are CPU times\n", p.backend_target.name);
  }
  print_layer_timer(p, net, out);
  fmt::print(out,
             "\nCut method (forwards that stop at a layer, differenced): {} cut points x {} sweeps x {} timed forwards "
             "({} of each, {} time; sweeps alternate direction, whole forwards at both ends of each)\n",
             net.cuts.size(), net.sweeps, p.settings.per_visit, profile::estimator_name(p.settings.estimator),
             p.settings.clock == ProfileSettings::Clock::Wall ? "wall" : "process CPU");
  if (!net.skipped_cuts.empty()) {
    fmt::print(out, "  {} cut point(s) OpenCV refused, their layers joined the next segment (first: {})\n",
               net.skipped_cuts.size(), net.skipped_cuts.front());
  }
  if (net.segments.empty()) return;
  print_segment_tables(p, net, net.segments, net.fallbacks, true, out);
  const auto& c = net.sum_check;
  if (c.whole_ms > 0) {
    fmt::print(out,
               "Check (cut method): segments add up to {} ms, a whole forward of the same sweeps takes {} ms: {} off, "
               "{} (tolerance {}; the whole forward copies {} output(s) to the host, the last cut 1)\n",
               ms(c.sum_ms), ms(c.whole_ms), pct(c.relative_error), c.within ? "within" : "OUTSIDE", pct(c.tolerance),
               net.outputs);
  }
  if (net.validation) {
    const auto& v = *net.validation;
    const bool accelerator = p.backend_target.accelerator && !net.whole_net_on_cpu;
    fmt::print(out,
               "{} ({} segments): rank correlation {:.3f}; top-{} share {} (cut method) vs {} (layer timer), {} of "
               "the top {} in common; totals {} vs {} ms\n",
               accelerator ? "Cross-check, cut method vs layer timer per segment (GPU+host time vs host time)"
                           : "Validation against getPerfProfile",
               v.segments, v.rank_correlation, v.top_n, pct(v.top_share_method), pct(v.top_share_reference),
               v.top_overlap, v.top_n, ms(v.method_total_ms), ms(v.reference_total_ms));
    if (!accelerator) {
      const bool meets = profile::meets_validation_tolerance(v);
      fmt::print(out,
                 "  {} the stated tolerance (rank correlation >= {:.1f}, >= {:.0f}% of the top {} in common, top shares "
                 "within {:.0f} points){}\n",
                 meets ? "meets" : "BELOW", profile::kValidationMinRankCorrelation,
                 100 * profile::kValidationMinTopOverlap, v.top_n, 100 * profile::kValidationMaxTopShareGap,
                 meets ? "" : ": per-segment times of this profile are noise at this granularity; read them by groups "
                              "(--max-layers 40) or from the layer timer");
    }
  }
}

json gpu_forward_json(const profile::GpuForward& f) {
  return {{"wall_ms", f.wall_ms},     {"kernels", f.kernels},   {"copies", f.copies},
          {"copies_to_device", f.copies_to_device}, {"copies_to_host", f.copies_to_host},
          {"memsets", f.memsets},     {"busy_ms", f.busy_ms},   {"records_by_kind", f.records_by_kind},
          {"contexts", f.contexts},   {"streams", f.streams},   {"dropped", f.dropped}};
}

json fallbacks_json(const std::vector<profile::FallbackCost>& fallbacks) {
  json out = json::array();
  for (const auto& f : fallbacks) {
    out.push_back({{"layer", f.layer}, {"own_ms", f.own_ms}, {"next_ms", f.next_ms}, {"with_copies_ms", f.with_copies_ms}});
  }
  return out;
}

json types_json(const std::vector<profile::Segment>& segments) {
  json out = json::array();
  for (const auto& t : profile::time_by_type(segments)) {
    out.push_back({{"type", t.type}, {"layers", t.layers}, {"ms", t.ms}, {"share", t.share}});
  }
  return out;
}

json net_json(const NetProfile& net, bool accelerator) {
  json layers = json::array();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const auto& l = net.layers[i];
    json j = {{"index", i}, {"name", l.name}, {"type", l.type}, {"fallback", l.fallback}};
    if (i < net.reference_ms.size()) j["getperfprofile_ms"] = net.reference_ms[i];  // host time per layer on CUDA
    layers.push_back(std::move(j));
  }
  json segments = json::array();
  for (const auto& s : net.segments) {
    segments.push_back({{"first", s.first},
                        {"last", s.last},
                        {"first_layer", net.layers[s.first].name},
                        {"last_layer", net.layers[s.last].name},
                        {"type", s.type},
                        {"ms", s.ms},
                        {"cut_ms", s.cut_median_ms},
                        {"cut_iqr_ms", s.cut_spread_ms},
                        {"fallback_layers", s.fallback_layers}});
  }
  const json fallbacks = fallbacks_json(net.fallbacks);
  const json types = types_json(net.segments);
  json cuts = json::array();
  for (const auto& c : net.cuts) cuts.push_back({{"layer", c.layer}, {"samples_ms", c.samples_ms}});
  const auto& h = net.host;
  json host_forwards = json::array();
  for (const auto& f : net.host_forwards) host_forwards.push_back({{"wall_ms", f.wall_ms}, {"layer_ms", f.layer_ms}});
  const json host_fallbacks = fallbacks_json(net.host_fallbacks);
  const json host_types = types_json(net.host_segments);
  json layer_timer = {{"what", "OpenCV's layer timer (getPerfProfile after each whole forward): host time per layer; "
                               "on CUDA launch + host work + waits, not GPU execution"},
                      {"forwards", h.forwards},
                      {"unavailable", h.unavailable},
                      {"sum_ms", h.sum_ms},
                      {"wall_ms", h.wall_ms},
                      {"relative_gap", h.relative_gap},
                      {"gap_ms", h.gap_ms},
                      {"tolerance", h.tolerance},
                      {"within", h.within},
                      {"fallback_ms", net.host_fallback_ms},
                      {"by_type", host_types},
                      {"fallbacks", host_fallbacks},
                      {"forwards_raw", host_forwards}};
  json j = {{"label", net.label},   {"whole_net_on_cpu", net.whole_net_on_cpu}, {"layers", layers}, {"segments", segments}, {"by_type", types},
            {"fallbacks", fallbacks}, {"cuts", cuts},  {"whole_forward_ms", net.whole_ms}, {"outputs", net.outputs}, {"skipped_cuts", net.skipped_cuts},
            {"seconds", net.seconds}, {"error", net.error}, {"sweeps", net.sweeps}, {"layer_timer", layer_timer}};
  const auto& c = net.sum_check;
  j["sum_check"] = c.whole_ms > 0 ? json{{"sum_ms", c.sum_ms},
                                         {"whole_ms", c.whole_ms},
                                         {"relative_error", c.relative_error},
                                         {"tolerance", c.tolerance},
                                         {"within", c.within}}
                                  : json(nullptr);
  if (net.validation) {
    const auto& v = *net.validation;
    j["validation"] = {{"reference", net.whole_net_on_cpu || !accelerator ? "getPerfProfile (CPU: compute time)"
                                                                           : "layer timer (host time; a cross-check)"},
                       {"segments", v.segments},
                       {"rank_correlation", v.rank_correlation},
                       {"top_n", v.top_n},
                       {"top_share_method", v.top_share_method},
                       {"top_share_reference", v.top_share_reference},
                       {"top_overlap", v.top_overlap},
                       {"method_total_ms", v.method_total_ms},
                       {"reference_total_ms", v.reference_total_ms},
                       {"meets_tolerance", profile::meets_validation_tolerance(v)}};
  } else {
    j["validation"] = nullptr;
  }
  return j;
}

}  // namespace

void print_profile(const ModelProfile& p, std::ostream& out) {
  fmt::print(out, "\n=== profile: {} {} {} on {} ===\n", p.model, p.files, p.input_size, p.backend_target.name);
  if (p.status != Status::Ok && p.nets.empty()) {
    fmt::print(out, "{}: {}\n", status_name(p.status), p.message);
    return;
  }
  if (p.device.checked()) fmt::print(out, "placement: {}\n", p.device.describe());
  const auto& c = p.cold;
  fmt::print(out, "Cold start ({}):\n", c.process);
  if (p.backend_target.is_cuda()) {
    fmt::print(out, "  CUDA context creation: {}\n",
               c.cuda_context_ms >= 0 ? fmt::format("{} ms ({})", ms(c.cuda_context_ms), c.cuda_context_note)
                                      : c.cuda_context_note);
  }
  fmt::print(out,
             "  load {} ms; first forward {} ms (backend set-up: {} ms over steady); second forward {} ms; "
             "steady median {} ms ({} forwards)\n",
             ms(c.load_ms), ms(c.first_forward_ms), ms(c.setup_overhead_ms()), ms(c.second_forward_ms), ms(c.steady_ms),
             p.steady_ms.size());
  print_gpu(p, out);
  print_verdict(p, out);
  for (const auto& net : p.nets) print_net(p, net, out);
  if (p.status != Status::Ok) fmt::print(out, "{}: {}\n", status_name(p.status), p.message);
}

json profile_json(const ModelProfile& p) {
  json nets = json::array();
  for (const auto& n : p.nets) nets.push_back(net_json(n, p.backend_target.accelerator));
  json steady_gpu = json::array();
  for (const auto& f : p.steady_gpu) steady_gpu.push_back(gpu_forward_json(f));
  json j = {{"config", p.config},
            {"model", p.model},
            {"files", p.files},
            {"input_size", p.input_size},
            {"backend_target", {{"index", p.backend_target.index}, {"name", p.backend_target.name}}},
            {"status", status_name(p.status)},
            {"message", p.message},
            {"placement", p.device.checked() ? p.device.describe() : "-"},
            {"settings",
             {{"repeats", p.settings.repeats}, {"max_cuts", p.settings.max_cuts}, {"top_n", p.settings.top_n},
              {"estimator", profile::estimator_name(p.settings.estimator)},
              {"clock", p.settings.clock == ProfileSettings::Clock::Wall ? "wall" : "process_cpu"},
              {"sum_tolerance", p.settings.sum_tolerance}, {"per_visit", p.settings.per_visit}}},
            {"cold_start",
             {{"process", p.cold.process},
              {"warm_process", p.cold.warm_process},
              {"cuda_context_ms", p.cold.cuda_context_ms >= 0 ? json(p.cold.cuda_context_ms) : json(nullptr)},
              {"cuda_context_note", p.cold.cuda_context_note},
              {"load_ms", p.cold.load_ms},
              {"first_forward_ms", p.cold.first_forward_ms},
              {"second_forward_ms", p.cold.second_forward_ms},
              {"steady_median_ms", p.cold.steady_ms},
              {"setup_overhead_ms", p.cold.setup_overhead_ms()}}},
            {"steady_forward_ms", p.steady_ms},
            {"gpu_activity", {{"recorded", p.gpu_recorded}, {"status", p.gpu_status}}},
            {"nets", nets}};
  const auto& v = p.verdict;
  j["verdict"] = {{"bound", profile::bound_name(v.bound)},
                  {"busy_share", v.busy_share},
                  {"gpu_bound_from_share", profile::kLaunchBoundShare},
                  {"fallback_layers", v.fallback_layers},
                  {"fallback_known", v.fallback_known},
                  {"fallback_host_ms", v.fallback_ms},
                  {"fallback_share", v.fallback_share}};
  if (p.gpu_recorded) {
    const auto& g = p.gpu;
    j["gpu_activity"].update({{"first_forward", gpu_forward_json(p.first_forward_gpu)},
                              {"steady_forwards", steady_gpu},
                              {"median_kernels", g.kernels},
                              {"median_copies", g.copies},
                              {"median_busy_ms", g.busy_ms},
                              {"median_wall_ms", g.wall_ms},
                              {"busy_share", g.busy_share},
                              {"launch_bound", g.launch_bound},
                              {"launch_bound_below_share", profile::kLaunchBoundShare},
                              {"recording_overhead", p.recording_overhead > 0 ? json(p.recording_overhead) : json(nullptr)},
                              {"recording_note", p.recording_note},
                              {"unrecorded_forward_ms", p.unrecorded_ms},
                              {"recorded_control_forward_ms", recorded_walls(p)},
                              {"records_by_kind", g.records_by_kind},
                              {"dropped", g.dropped}});
  }
  return j;
}

json profiles_json(const std::vector<ModelProfile>& profiles, const Environment& e) {
  json list = json::array();
  for (const auto& p : profiles) list.push_back(profile_json(p));
  return {{"zoo_bench_profile", 1},
          {"environment",
           {{"zoo_bench_version", e.zoo_bench_version},
            {"opencv_version", e.opencv_version},
            {"opencv_cuda", e.opencv_cuda},
            {"cuda_version", e.cuda_version},
            {"cudnn_version", e.cudnn_version},
            {"nvidia_driver", e.nvidia_driver},
            {"opencv_threads", e.opencv_threads},
            {"command_line", e.command_line},
            {"started_at", e.started_at},
            {"host", e.host},
            {"cpu", e.cpu},
            {"gpus", gpus_text(e)}}},
          {"profiles", list}};
}

void write_profiles_json(const std::filesystem::path& file, const std::vector<ModelProfile>& profiles,
                         const Environment& environment) {
  write_output_file(file, json_text(profiles_json(profiles, environment), 1) + "\n");
}

}  // namespace zoobench
