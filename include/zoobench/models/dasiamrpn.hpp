#pragma once
// DaSiamRPN (not in the zoo; OpenCV's own samples/dnn tracker) through cv::TrackerDaSiamRPN: three ONNX
// files form one variant (Grouping::OnnxSet), matched to TrackerDaSiamRPN::Params by file name:
// dasiamrpn_model.onnx -> model, dasiamrpn_kernel_r1.onnx -> kernel_r1, dasiamrpn_kernel_cls1.onnx ->
// kernel_cls1. init runs the exemplar through the model and both kernel nets, which become the model's
// correlation weights; update runs the search region through the model and decodes anchors inside OpenCV.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "zoobench/models/tracker.hpp"

namespace zoobench::dasiamrpn {

// The oldest release whose documentation shows cv::TrackerDaSiamRPN with getTrackingScore().
constexpr OpenCVVersion kMinOpenCV{4, 5, 4};

struct Files {
  std::filesystem::path model;
  std::filesystem::path kernel_r1;
  std::filesystem::path kernel_cls1;
};

// Assigns a variant's files to the three roles by name ("kernel_r1", "kernel_cls1", anything else with
// "model"). Throws ModelError Missing naming each absent role's file and where it comes from, or
// Unsupported for a file that fits no role.
Files assign_files(const std::vector<std::filesystem::path>& files);

std::unique_ptr<Tracker> create(const ModelContext& ctx);

}  // namespace zoobench::dasiamrpn
