#pragma once
// Model family registry (Model.name in the YAML -> folder, factory) and the discovery of a family's
// model files, split into precision variants by file name.
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "zoobench/measure/measurable.hpp"
#include "zoobench/models/model.hpp"
#include "zoobench/models/tracker.hpp"
#include "zoobench/stats/agreement.hpp"

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
  // The family's model (image metrics) or tracker (Tracking only); the builder always sets one.
  std::variant<ModelFactory, TrackerFactory> factory;
  std::vector<std::string> expected_files;  // the zoo's published fp32 file names, for --list
  std::string where_to_get;   // for files the zoo does not publish; empty: scripts/fetch_models.sh
  AnswerTolerance tolerance;  // how far a GPU answer may move from the CPU's

  bool is_tracker() const { return std::holds_alternative<TrackerFactory>(factory); }
  // The family's model wrapped in the strategy that measures it (image or tracking).
  std::unique_ptr<Measurable> make(const ModelContext& ctx) const;
};

// Registers a family by named parts, so no field can be filled in the wrong place:
//   family("YuNet").folder("face_detection_yunet").task("face detection").files({...}).model(yunet::create)
// A builder without folder, task or factory throws std::logic_error when converted (a programming
// error caught by the catalog test).
class FamilyBuilder {
 public:
  explicit FamilyBuilder(std::string name);
  FamilyBuilder& folder(std::string folder);
  FamilyBuilder& task(std::string task);
  FamilyBuilder& files(std::vector<std::string> expected);
  FamilyBuilder& grouping(Grouping grouping);
  FamilyBuilder& model(ModelFactory factory);      // an image model (Base, Detection, Recognition)
  FamilyBuilder& tracker(TrackerFactory factory);  // a tracker (Tracking)
  FamilyBuilder& where_to_get(std::string text);
  FamilyBuilder& tolerance(AnswerTolerance tolerance);
  operator Family() const;  // NOLINT(google-explicit-constructor): the registry lists builders

 private:
  Family m_family;
};

inline FamilyBuilder family(std::string name) { return FamilyBuilder(std::move(name)); }

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

// The answer tolerance of the family named `model`; the defaults for an unknown name.
AnswerTolerance tolerance_for_model(const std::string& model);

// Variants found in models_dir/<folder>, fp32 then fp16, int8, int8bq (the zoo's order), sorted by
// file name within each. Empty when the folder is absent or holds no model file.
std::vector<ModelVariant> discover_variants(const Family& family, const std::filesystem::path& models_dir);

}  // namespace zoobench
