#pragma once
// One result record: one plan item's measurement at one input size (what ran, where, its per-stage
// samples, its answers and how it ended). Aggregates (stats/aggregate.hpp) are computed from records
// once; reporters only format.
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "zoobench/device/placement.hpp"
#include "zoobench/error.hpp"
#include "zoobench/models/result.hpp"
#include "zoobench/plan/backend.hpp"

namespace zoobench {

enum class Status {
  Ok,           // measured
  Failed,       // an error: bad model file, bad data, a runtime error
  Missing,      // the model files are not there
  Unsupported,  // this OpenCV or this zoo-bench cannot run it (needs a newer OpenCV, CPU-only family, ...)
};

const char* status_name(Status status);  // "ok", "FAILED", "missing", "unsupported"

// How a model error is reported: absent files are Missing, import/version gates Unsupported, the rest
// Failed.
Status status_for(ModelError::Kind kind);

// Per-stage samples in milliseconds, one entry per timed pipeline call; total is measured around the
// three stages together.
struct StageSamples {
  std::vector<double> preprocess;
  std::vector<double> infer;
  std::vector<double> postprocess;
  std::vector<double> total;
};

struct RunRecord {
  // What ran.
  std::string config;                // config file name
  std::string model;                 // Model.name (the family)
  std::string precision;             // fp32 / fp16 / int8 / int8bq
  std::string file_list;             // "['a.onnx']", as the zoo prints it
  std::vector<std::string> files;    // model file paths
  BackendTarget backend_target;
  int trial = 1;                     // 1-based; trials of one benchmark interleave the backend/targets
  int trials = 1;
  cv::Size input_size;               // the loader's image (or frame) size, as the zoo labels its rows
  std::vector<std::vector<int>> net_input_shapes;  // what the network really got, e.g. {1, 3, 416, 416}
  int warmup = 0;
  int repeat = 0;
  // How it ended.
  Status status = Status::Ok;
  std::string message;               // the reason when not Ok
  // Measurements.
  StageSamples samples;
  double load_ms = 0;                // model construction (read, import, backend/target); first size only
  double first_call_ms = 0;          // the first call at this size (cold: the backend sets up for the shape)
  std::vector<double> init_ms;       // Tracking: each ROI's Tracker::init, timed apart from the samples
  // Answers: one per input item (image, label row, or tracked frame), and the raw outputs of the first
  // item (not written to files; used for max |diff| between backends).
  std::vector<ModelResult> answers;
  std::vector<cv::Mat> raw_outputs;
  std::string result;                // the family's summary of its last result
  std::string note;                  // e.g. stages hidden inside a high-level OpenCV API
  DeviceEvidence device;             // on checked targets: where the layers really ran
  // Raw-output comparisons with other rows, made by the aggregates from raw_outputs and kept here so
  // that a results file (which has no raw outputs) gives the same verdicts when it is read back.
  struct CrossChecks {
    std::optional<double> max_abs_diff_vs_cpu;
    std::optional<double> fp16_max_abs_diff;  // CUDA_FP16 rows: vs the FP32 CUDA row, else vs the CPU row
    std::string fp16_reference;               // "CUDA" or "CPU": what fp16_max_abs_diff was measured against
    double fp16_reference_scale = 0;          // the largest |value| of that reference's outputs
  } checks;
  std::vector<std::string> opencv_messages;  // OpenCV's [ERROR]/[ WARN] lines while it ran
  // CUDA items run with --device: the GPU the worker thread was bound to, and whether memory was seen
  // taken on it (the placement evidence for the device). nullopt without --device and for other pairs.
  struct GpuUse {
    int index = -1;
    std::string name, uuid;
    long long memory_taken = -1;  // drop in its free memory across load and the first input size; -1 unknown
    bool memory_seen() const { return memory_taken > 0; }
  };
  std::optional<GpuUse> gpu;
};

}  // namespace zoobench
