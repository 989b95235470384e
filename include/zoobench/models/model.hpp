#pragma once
// The interface every model family implements: three separately timed stages. The runner owns the
// clock; a family only does work inside the stage it belongs to.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "zoobench/plan/backend.hpp"
#include "zoobench/config/config.hpp"
#include "zoobench/models/result.hpp"

namespace zoobench {

struct ModelContext {
  std::vector<std::filesystem::path> files;  // the variant's files (one ONNX, or a set)
  const ModelParams& params;
  BackendTarget backend_target;
};

class Model {
 public:
  virtual ~Model() = default;

  // The Detection metric passes the loader's image size before warm-up (as the zoo does).
  virtual void set_input_size(cv::Size /*size*/) {}

  // Stage 1: image (and, for Recognition configs, one label row) -> network input.
  virtual void preprocess(const cv::Mat& image, const cv::Mat& label_row) = 0;
  // Stage 2: the forward pass (Net::setInput + Net::forward, or a high-level API's whole call).
  virtual void infer() = 0;
  // Stage 3: raw outputs -> the family's result (boxes, labels, ...).
  virtual void postprocess() = 0;

  // One line about the last result, e.g. "3 faces, best score 0.93".
  virtual std::string result_summary() const = 0;

  // The last result in a family-neutral form (filled by postprocess).
  const ModelResult& result() const { return m_result; }

  // The DNN net behind the infer stage, when there is one (device evidence reads it).
  virtual const cv::dnn::Net* net() const { return nullptr; }

  // Every DNN net the family runs (pipelines of several nets override this); handles share the nets.
  virtual std::vector<cv::dnn::Net> nets() const {
    const cv::dnn::Net* single = net();
    return single != nullptr ? std::vector<cv::dnn::Net>{*single} : std::vector<cv::dnn::Net>{};
  }

  // The raw network outputs of the last infer stage (for the max |diff| between backends); empty when
  // a high-level OpenCV API hides them.
  virtual std::vector<cv::Mat> raw_outputs() const { return {}; }

  // The shapes of the network inputs of the last call (e.g. {1, 3, 416, 416}): what really ran, which
  // may differ from the loader's image size. Empty when hidden.
  virtual std::vector<std::vector<int>> input_shapes() const { return {}; }

  // A note for the output when the stages are not separable (high-level OpenCV APIs).
  virtual std::string stage_note() const { return {}; }

 protected:
  ModelResult m_result;
};

using ModelFactory = std::function<std::unique_ptr<Model>(const ModelContext&)>;

}  // namespace zoobench
