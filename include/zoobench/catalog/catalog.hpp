#pragma once
// Model family registry (Model.name in the YAML -> folder, factory) and the discovery of a family's
// model files, split into precision variants by file name.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/models/tracker.hpp"

namespace zoobench {

enum class Precision { FP32, FP16, INT8, INT8BQ };

const char* precision_name(Precision p);  // "fp32", "fp16", "int8", "int8bq"

// By file name: "int8bq"/"blocked" -> INT8BQ (checked before "int8", fixing the zoo's mix-up),
// "int8" -> INT8, "fp16" -> FP16, otherwise FP32.
Precision precision_of(const std::filesystem::path& file);

// How a family's files form variants.
enum class Grouping {
  PerFile,     // each .onnx file is one variant
  CaffeSet,    // all .prototxt/.caffemodel files together form one fp32 variant (WeChatQRCode)
  OnnxSet,     // all .onnx files of one precision together form one variant (multi-net trackers)
};

struct Family {
  std::string name;           // Model.name, e.g. "YuNet"
  std::string folder;         // models/<folder>, e.g. "face_detection_yunet"
  std::string task;           // human description, e.g. "face detection"
  Grouping grouping = Grouping::PerFile;
  ModelFactory factory;                    // empty: known to the zoo, not implemented here yet
  std::vector<std::string> expected_files;  // the zoo's published fp32 file names, for --list
  TrackerFactory tracker_factory = {};      // tracker families (Tracking configs) instead of `factory`
  std::string where_to_get = {};            // for files the zoo does not publish; empty: fetch_models.sh
};

struct ModelVariant {
  Precision precision = Precision::FP32;
  std::vector<std::filesystem::path> files;

  // "['a.onnx']" as the zoo prints the list of basenames.
  std::string file_list() const;
};

// Every registered family, in name order.
const std::vector<Family>& families();

// nullptr when no family has that name.
const Family* find_family(const std::string& name);

// Variants found in models_dir/<folder>, fp32 then fp16, int8, int8bq (the zoo's order), sorted by
// file name within each. Empty when the folder is absent or holds no model file.
std::vector<ModelVariant> discover_variants(const Family& family, const std::filesystem::path& models_dir);

}  // namespace zoobench
