#pragma once
// One result record: what ran, where, its per-stage samples and how it ended. Reporters render
// records; they never measure or compute statistics themselves.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "zoobench/plan/backend.hpp"
#include "zoobench/error.hpp"
#include "zoobench/device/placement.hpp"

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
  std::string config;                // config file name
  std::string model;                 // Model.name (the family)
  std::string precision;             // fp32 / fp16 / int8 / int8bq
  std::string file_list;             // "['a.onnx']", as the zoo prints it
  std::vector<std::string> files;    // model file paths
  BackendTarget backend_target;
  cv::Size input_size;               // the loader's image size; 0x0 when it never got that far
  int warmup = 0;
  int repeat = 0;
  Status status = Status::Ok;
  std::string message;               // the reason when not Ok
  StageSamples samples;
  double load_ms = 0;                // model construction: read + import + backend/target
  double first_call_ms = 0;          // the first pipeline call after load (cold start), 0 if none
  std::vector<double> init_ms;       // Tracking: each ROI's Tracker::init, timed apart from the samples
  std::string result;                // the family's summary of its last result
  std::string note;                  // e.g. stages hidden inside a high-level OpenCV API
  DeviceEvidence device;             // on CUDA targets: where the layers really ran
};

}  // namespace zoobench
