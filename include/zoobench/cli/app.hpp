#pragma once
// The application behind the command line: plan the configs, run them, report, choose the exit code.
#include <ostream>
#include <string>
#include <vector>

#include "zoobench/cli/options.hpp"
#include "zoobench/measure/record.hpp"

namespace zoobench {

// Runs the benchmarks; tables to `out`, warnings to `err`. Returns an ExitCode.
int run_benchmarks(const BenchOptions& options, const std::string& command_line, std::ostream& out,
                   std::ostream& err);

// --list: every config, its family, the model files expected and found, and whether each is present.
int list_configs(const BenchOptions& options, std::ostream& out, std::ostream& err);

// kExitOk when all records are Ok; kExitFailed when any failed; kExitIncomplete when the rest are only
// missing or unsupported.
int exit_code_for(const std::vector<RunRecord>& records);

// --require-cuda: the CUDA-target records that did not really run on the GPU (failed or fell back),
// each as a one-line reason; empty when all were fine.
std::vector<std::string> cuda_requirement_failures(const std::vector<RunRecord>& records);

// `zoo-bench doctor`; writes the JSON report to json_file when given. Returns kExitOk or kExitNoCuda.
int run_doctor_command(const std::string& json_file, std::ostream& out);

}  // namespace zoobench
