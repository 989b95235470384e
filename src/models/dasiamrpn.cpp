#include "zoobench/models/dasiamrpn.hpp"

#include <fmt/format.h>

#include <opencv2/core/version.hpp>
#include <opencv2/video/tracking.hpp>

#include "zoobench/error.hpp"
#include "zoobench/catalog/model_file.hpp"
#include "zoobench/onnx/onnx_info.hpp"

namespace zoobench::dasiamrpn {

namespace fs = std::filesystem;

namespace {

#if CV_VERSION_MAJOR > 4 || (CV_VERSION_MAJOR == 4 && (CV_VERSION_MINOR > 5 || (CV_VERSION_MINOR == 5 && CV_VERSION_REVISION >= 4)))
#define ZOO_BENCH_HAS_TRACKER_DASIAMRPN 1

std::unique_ptr<Tracker> make_dasiamrpn(const Files& files, const BackendTarget& pair) {
  cv::TrackerDaSiamRPN::Params params;
  params.model = files.model.string();
  params.kernel_r1 = files.kernel_r1.string();
  params.kernel_cls1 = files.kernel_cls1.string();
  params.backend = pair.backend;
  params.target = pair.target;
  try {
    // Reads the three nets and applies backend/target.
    return std::make_unique<OpenCVTracker<cv::TrackerDaSiamRPN>>(cv::TrackerDaSiamRPN::create(params),
                                                                  "TrackerDaSiamRPN");
  } catch (const cv::Exception& e) {
    throw ModelError(ModelError::Kind::Unsupported,
                     unsupported_import_message(files.model.parent_path() / "dasiamrpn_*.onnx", short_cv_message(e)));
  }
}
#endif

bool contains(const fs::path& file, const char* part) {
  return file.filename().string().find(part) != std::string::npos;
}

}  // namespace

Files assign_files(const std::vector<fs::path>& files) {
  Files out;
  fs::path folder;
  for (const auto& file : files) {
    folder = file.parent_path();
    fs::path* role = contains(file, "kernel_r1")     ? &out.kernel_r1
                     : contains(file, "kernel_cls1") ? &out.kernel_cls1
                     : contains(file, "model")       ? &out.model
                                                     : nullptr;
    if (role == nullptr) {
      throw ModelError(ModelError::Kind::Unsupported,
                       fmt::format("{}: not a DaSiamRPN file (expected dasiamrpn_model.onnx, dasiamrpn_kernel_r1.onnx "
                                   "and dasiamrpn_kernel_cls1.onnx); move it out of the folder",
                                   file.string()));
    }
    if (!role->empty()) {
      throw ModelError(ModelError::Kind::Unsupported,
                       fmt::format("{} and {} both look like the same DaSiamRPN part; keep one", role->string(),
                                   file.string()));
    }
    *role = file;
  }
  std::string missing;
  if (out.model.empty()) missing += " dasiamrpn_model.onnx";
  if (out.kernel_r1.empty()) missing += " dasiamrpn_kernel_r1.onnx";
  if (out.kernel_cls1.empty()) missing += " dasiamrpn_kernel_cls1.onnx";
  if (!missing.empty()) {
    throw ModelError(ModelError::Kind::Missing,
                     fmt::format("DaSiamRPN needs three ONNX files; missing in {}:{} (published with OpenCV's "
                                 "samples/dnn DaSiamRPN tracker, about 90 MB together)",
                                 folder.empty() ? std::string("the model folder") : folder.string(), missing));
  }
  return out;
}

std::unique_ptr<Tracker> create(const ModelContext& ctx) {
  const std::string gate = opencv_version_gate("TrackerDaSiamRPN", kMinOpenCV, compiled_opencv_version());
  if (!gate.empty()) throw ModelError(ModelError::Kind::Unsupported, gate);
  const Files files = assign_files(ctx.files);
  for (const auto& file : {files.model, files.kernel_r1, files.kernel_cls1}) {
    check_model_file(file);
    read_onnx_info(file);  // a corrupt file is named as such, not as "unsupported"
  }
#ifdef ZOO_BENCH_HAS_TRACKER_DASIAMRPN
  return make_dasiamrpn(files, ctx.backend_target);
#else
  throw ModelError(ModelError::Kind::Unsupported, gate);  // not reached: the gate above fired
#endif
}

}  // namespace zoobench::dasiamrpn
