#pragma once
// VitTrack (object_tracking_vittrack) through cv::TrackerVit (OpenCV >= 4.9): init crops 2x the box
// to the 128x128 `template` input, update crops 4x the last box to the 256x256 `search` input and
// decodes the conf/size/offset maps with a Hann window, all inside OpenCV. Each ONNX file of the
// folder is its own variant (fp32, int8bq), unlike the zoo, which passes them all as one list.
#include <memory>

#include "zoobench/models/tracker.hpp"

namespace zoobench::vittrack {

// The oldest OpenCV with cv::TrackerVit; it honours params.backend/target since opencv#24461 (4.9 too).
constexpr OpenCVVersion kMinOpenCV{4, 9, 0};

// Throws ModelError: Missing/LfsPointer/Corrupt for the file, Unsupported on OpenCV < 4.9 or when
// this OpenCV cannot import the model.
std::unique_ptr<Tracker> create(const ModelContext& ctx);

}  // namespace zoobench::vittrack
