#include "zoobench/measure/measure.hpp"

#include <fmt/format.h>

#include <exception>

#include "zoobench/catalog/model_file.hpp"
#include "zoobench/error.hpp"
#include "zoobench/measure/clock.hpp"
#include "zoobench/measure/heap.hpp"
#include "zoobench/measure/log_capture.hpp"

namespace zoobench {

namespace {

// The one-line reason for an exception escaping a family's code, with its status.
std::pair<Status, std::string> failure_of(const std::exception_ptr& error, const PlanItem& item, bool loading) {
  const std::string files = item.variant.file_list();
  try {
    std::rethrow_exception(error);
  } catch (const ModelError& e) {
    return {status_for(e.kind()), e.what()};
  } catch (const MissingDataError& e) {
    return {Status::Missing, e.what()};
  } catch (const cv::Exception& e) {
    const std::string what = short_cv_message(e);
    if (loading) return {Status::Failed, fmt::format("loading {} failed: {}", files, what)};
    if (item.backend_target.is_cuda()) {
      return {Status::Failed, fmt::format("{} (on {}; `zoo-bench doctor` says what is wrong with the CUDA target)",
                                          what, item.backend_target.name)};
    }
    return {Status::Failed, what};
  } catch (const Error& e) {
    return {Status::Failed, e.what()};
  } catch (const std::exception& e) {
    return {Status::Failed, fmt::format("{} {}: unexpected error in the family's code: {}", item.family->name, files,
                                        e.what())};
  } catch (...) {
    return {Status::Failed, fmt::format("{} {}: unknown exception", item.family->name, files)};
  }
}

void fail(RunRecord& record, const std::pair<Status, std::string>& why) {
  record.status = why.first;
  record.message = why.second;
}

}  // namespace

Runner::Runner(RecordSink on_record, WarningSink on_warning, std::optional<bool> device_runs_fp16)
    : m_on_record(std::move(on_record)), m_on_warning(std::move(on_warning)), m_device_runs_fp16(device_runs_fp16) {
  pin_heap();  // timed calls must not re-fault buffers that glibc handed back to the kernel (heap.hpp)
}

void Runner::warn_unused_keys(const PlanItem& item) {
  if (!m_warned_configs.insert(item.config_name).second) return;
  std::vector<std::string> unused;
  {
    const auto guard = shared_lock();  // another worker may be building a model from the same params
    unused = item.config->params.unused_keys();
  }
  for (const auto& key : unused) {
    m_on_warning(fmt::format("{}: key 'Model.{}' is not used by {}", item.config->file.string(), key,
                             item.family->name));
  }
}

void Runner::run(const PlanItem& item) {
  if (!item.runnable()) return m_on_record(record_for_unrunnable(item));
  RunRecord base = base_record(item);
  const bool on_gpu = m_gpu && item.backend_target.is_cuda();
  long long free_before = -1;
  if (on_gpu) {
    base.gpu = RunRecord::GpuUse{m_gpu->index, m_gpu->name, m_gpu->uuid, -1};
    free_before = m_gpu->free_memory ? m_gpu->free_memory() : -1;
  }
  std::string log;  // from construction through the first call at the first size
  std::unique_ptr<Measurable> subject = load(item, base, log);
  if (!subject) return m_on_record(std::move(base));
  warn_unused_keys(item);

  const auto& groups = *item.inputs;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    RunRecord record = base;
    record.input_size = groups[g].size;
    if (g > 0) record.load_ms = 0;  // loaded once, before the first size
    const bool ok = measure_size(item, *subject, groups[g], log, record);
    if (on_gpu && g == 0) {
      // The net holds its weights and workspaces on the device now: the drop shows where it was set up.
      const long long free_after = m_gpu->free_memory ? m_gpu->free_memory() : -1;
      if (free_before >= 0 && free_after >= 0) base.gpu->memory_taken = free_before - free_after;
      record.gpu = base.gpu;
    }
    // An unsupported model (an OpenCV that imports it but cannot run it) stays unsupported at later sizes.
    const bool unsupported = record.status == Status::Unsupported;
    m_on_record(std::move(record));
    if (ok) continue;
    // The net is in an unknown state: later sizes would fail the same way. Say so for each of them.
    for (std::size_t rest = g + 1; rest < groups.size(); ++rest) {
      RunRecord skipped = base;
      skipped.input_size = groups[rest].size;
      skipped.load_ms = 0;
      skipped.status = unsupported ? Status::Unsupported : Status::Failed;
      skipped.message = fmt::format("not run: the same model {} at input size [{}, {}] before",
                                    unsupported ? "was unsupported" : "failed", groups[g].size.width,
                                    groups[g].size.height);
      m_on_record(std::move(skipped));
    }
    return;
  }
}

std::unique_ptr<Measurable> Runner::load(const PlanItem& item, RunRecord& base, std::string& log) {
  std::unique_ptr<Measurable> subject;
  const auto load_start = Clock::now();
  try {
    captured(log, [&] {
      subject = item.family->make(ModelContext{item.variant.files, item.config->params, item.backend_target});
    });
  } catch (...) {
    fail(base, failure_of(std::current_exception(), item, true));
    base.opencv_messages = opencv_warning_lines(log);
    return nullptr;
  }
  base.load_ms = ms_since(load_start);
  base.note = subject->stage_note();
  return subject;
}

bool Runner::measure_size(const PlanItem& item, Measurable& subject, const InputGroup& group, std::string& log,
                          RunRecord& record) {
  const FirstCall first_call = [this, &log](const std::function<void()>& call) { captured(log, call); };
  SizeMeasurement measured;
  bool ok = true;
  try {
    subject.measure(group, item.timing, first_call, measured);
  } catch (...) {
    fail(record, failure_of(std::current_exception(), item, false));
    ok = false;
  }
  // Net::dump() sets a net up again: after a failed call it can throw the same error.
  PlacementInput view;
  try {
    view = subject.placement_view();
    record.net_input_shapes = subject.input_shapes();
  } catch (...) {
    view = PlacementInput{};
    view.net_visible = false;
    view.hidden_by = "a net that failed to set up";
    if (ok) fail(record, failure_of(std::current_exception(), item, false));
    ok = false;
  }
  view.captured_log = log;
  view.device_runs_fp16 = m_device_runs_fp16;
  record.device = analyse_placement(view, item.backend_target);
  record.opencv_messages = opencv_warning_lines(log);
  log.clear();  // the next size sets the backend up again: its evidence starts afresh
  record.samples = std::move(measured.samples);
  record.first_call_ms = measured.first_call_ms;
  record.init_ms = std::move(measured.init_ms);
  record.answers = std::move(measured.answers);
  record.raw_outputs = std::move(measured.raw_outputs);
  record.result = std::move(measured.summary);
  return ok;
}

}  // namespace zoobench
