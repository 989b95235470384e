#include "zoobench/cli/resume.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "zoobench/error.hpp"
#include "zoobench/report/result_file.hpp"
#include "zoobench/report/results_json.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

// Same benchmark trial (any input size): config, files, precision, backend/target and trial.
bool same_benchmark(const RunRecord& r, const RunRecord& base) {
  return r.config == base.config && r.file_list == base.file_list && r.precision == base.precision &&
         r.backend_target.index == base.backend_target.index && r.trial == base.trial;
}

// The last record of each benchmark trial and input size, in the order of those last records.
std::vector<RunRecord> latest_of_each(std::vector<RunRecord> records) {
  std::vector<RunRecord> latest;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    const bool newer_seen = std::any_of(latest.begin(), latest.end(), [&](const RunRecord& r) {
      return same_benchmark(r, *it) && r.input_size == it->input_size;
    });
    if (!newer_seen) latest.push_back(std::move(*it));
  }
  std::reverse(latest.begin(), latest.end());
  return latest;
}

void check_same_machine(const fs::path& file, const Environment& there, const Environment& here) {
  if (there.host != here.host || there.cpu != here.cpu || gpus_text(there) != gpus_text(here) ||
      there.opencv_version != here.opencv_version || there.opencv_cuda != here.opencv_cuda ||
      there.opencv_threads != here.opencv_threads) {
    throw ConfigError(fmt::format("{}: measured on {} ({}, {}, OpenCV {} {} on {} threads), this is {} ({}, {}, OpenCV "
                                  "{} {} on {} threads): a resumed run must be measured alike; start a new run",
                                  file.string(), there.host, there.cpu, gpus_text(there), there.opencv_version,
                                  there.opencv_cuda, there.opencv_threads, here.host, here.cpu, gpus_text(here),
                                  here.opencv_version, here.opencv_cuda, here.opencv_threads));
  }
}

}  // namespace

ResumeState load_resume(const fs::path& file, const Environment& here) {
  const fs::path journal = journal_path_for(file);
  std::error_code ec;
  const bool has_file = fs::exists(file, ec);
  const bool has_journal = fs::is_regular_file(journal, ec);
  if (!has_file && !has_journal) {
    throw ConfigError(fmt::format("--resume {}: neither this file nor its journal {} exists; give the --json file of "
                                  "the run to carry on", file.string(), journal.string()));
  }
  StoredResults stored;
  try {
    // A run killed before its first results file was written left only the journal: it alone is read.
    if (has_file) stored = read_results_file(file);
    else stored.environment = last_journal_environment(journal);
  } catch (const Error& e) {
    throw ConfigError(fmt::format("--resume: {}", e.what()));
  }
  check_same_machine(has_file ? file : journal, stored.environment, here);
  ResumeState state;
  state.run_id = stored.environment.run_id;
  state.records = std::move(stored.records);
  state.source = file.string();
  if (!state.run_id.empty() && has_journal) {
    try {
      JournalContents contents = read_journal(journal, state.run_id);
      // The journal gets each record before the results file is rewritten, so for one benchmark trial and
      // size its line is as new as the file's record or newer; records an earlier resume kept from the
      // file are only in the file. Both, then, and the latest of each.
      for (auto& r : contents.records) state.records.push_back(std::move(r));
      state.records = latest_of_each(std::move(state.records));
      state.source = has_file ? fmt::format("{} and {}", file.string(), journal.string()) : journal.string();
      state.skipped_lines = contents.skipped_lines;
    } catch (const Error& e) {
      throw ConfigError(fmt::format("--resume: {}", e.what()));
    }
  }
  if (state.run_id.empty()) state.run_id = fmt::format("{}-resumed", stored.environment.started_at);
  return state;
}

int skip_measured_items(Plan& plan, ResumeState& state) {
  int skipped = 0;
  std::vector<PlanItem> to_run;
  for (auto& item : plan.items) {
    const RunRecord base = base_record(item);
    auto mine = [&](const RunRecord& r) { return same_benchmark(r, base); };
    bool done = item.runnable() && item.inputs && !item.inputs->empty();
    if (done) {
      for (const auto& group : *item.inputs) {
        done = done && std::any_of(state.records.begin(), state.records.end(), [&](const RunRecord& r) {
                 return mine(r) && r.input_size == group.size && r.status != Status::Failed;
               });
      }
    }
    if (!done) {
      // Runs again: what the earlier run left of it (a failure, some of its sizes) goes.
      state.records.erase(std::remove_if(state.records.begin(), state.records.end(), mine), state.records.end());
      to_run.push_back(std::move(item));
      continue;
    }
    for (const auto& r : state.records) {
      if (mine(r) && (r.warmup != base.warmup || r.repeat != base.repeat)) {
        throw ConfigError(fmt::format("--resume {}: {} {} on {} was measured with warm-up {} and repeat {}, this run "
                                      "asks {} and {}; resume with the earlier run's options",
                                      state.source, r.model, r.file_list, r.backend_target.name, r.warmup, r.repeat,
                                      base.warmup, base.repeat));
      }
    }
    ++skipped;
  }
  plan.items = std::move(to_run);
  return skipped;
}

}  // namespace zoobench
