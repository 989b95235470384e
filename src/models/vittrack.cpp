#include "zoobench/models/vittrack.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <opencv2/core/version.hpp>
#include <opencv2/video/tracking.hpp>

#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/onnx/onnx_info.hpp"

namespace zoobench::vittrack {

namespace {

#if CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && CV_VERSION_MINOR >= 9)
#define ZOO_BENCH_HAS_TRACKER_VIT 1

std::unique_ptr<Tracker> make_vittrack(const ModelContext& ctx) {
  cv::TrackerVit::Params params;  // mean/std stay OpenCV's ImageNet defaults, as in the zoo
  params.net = ctx.files.at(0).string();
  params.backend = ctx.backend_target.backend;
  params.target = ctx.backend_target.target;
  try {
    // Reads the net and applies backend/target.
    return std::make_unique<OpenCVTracker<cv::TrackerVit>>(cv::TrackerVit::create(params), "TrackerVit");
  } catch (const cv::Exception& e) {
    throw ModelError(ModelError::Kind::Unsupported, unsupported_import_message(ctx.files.at(0), short_cv_message(e)));
  }
}
#endif

}  // namespace

std::unique_ptr<Tracker> create(const ModelContext& ctx) {
  const std::string gate = opencv_version_gate("TrackerVit", kMinOpenCV, compiled_opencv_version());
  if (!gate.empty()) throw ModelError(ModelError::Kind::Unsupported, gate);
  const auto& file = ctx.files.at(0);
  check_model_file(file);
  const OnnxInfo info = read_onnx_info(file);  // a corrupt file is named as such, not as "unsupported"
  for (const char* name : {"template", "search"}) {
    if (std::none_of(info.inputs.begin(), info.inputs.end(), [&](const OnnxTensorInfo& i) { return i.name == name; })) {
      throw ModelError(ModelError::Kind::Unsupported,
                       fmt::format("{}: not a VitTrack model (no input '{}'; expected 'template' 1x3x128x128 and "
                                   "'search' 1x3x256x256)",
                                   file.string(), name));
    }
  }
#ifdef ZOO_BENCH_HAS_TRACKER_VIT
  return make_vittrack(ctx);
#else
  throw ModelError(ModelError::Kind::Unsupported, gate);  // not reached: the gate above fired
#endif
}

}  // namespace zoobench::vittrack
