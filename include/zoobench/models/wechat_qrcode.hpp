#pragma once
// WeChatQRCode (qrcode_wechatqrcode): opencv_contrib's cv::wechat_qrcode::WeChatQRCode with the zoo's
// Caffe detector and super-resolution nets; detectAndDecode is one call, timed as the infer stage.
// Decoded strings go to ModelResult.texts, each code's 4 corners to a Detection. CPU only, as in the
// zoo; without the contrib module (ZOO_BENCH_HAVE_WECHAT_QRCODE undefined) the family reports itself
// unsupported.
#include <filesystem>
#include <memory>
#include <vector>

#include "zoobench/models/model.hpp"

namespace zoobench::wechat {

// True when this build links opencv_contrib's wechat_qrcode module.
bool available();

// The variant's files in constructor order: detector prototxt, detector caffemodel, SR prototxt, SR
// caffemodel, picked by name (detect* / sr* and the extension). Throws ModelError (Missing) naming the
// absent ones.
std::vector<std::filesystem::path> ordered_files(const std::vector<std::filesystem::path>& files);

// One decoded code's corners (4x2 float, as detectAndDecode gives them) -> a Detection.
Detection detection_of(const cv::Mat& corners);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::wechat
