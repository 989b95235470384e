#pragma once
// Base for families driven through cv::dnn::Net: it loads the net (with precise errors), applies the
// backend/target, and owns the infer stage (setInput + forward). Families fill m_blob in preprocess
// and read m_outputs in postprocess.
#include <filesystem>
#include <string>
#include <vector>

#include "zoobench/models/model.hpp"
#include "zoobench/onnx/onnx_info.hpp"

namespace zoobench {

class DnnModel : public Model {
 public:
  void infer() override;
  const cv::dnn::Net* net() const override { return &m_net; }
  std::vector<cv::Mat> raw_outputs() const override { return m_outputs; }
  std::vector<std::vector<int>> input_shapes() const override;

 protected:
  // Loads ctx.files[file_index]; output_names empty = the net's unconnected outputs.
  explicit DnnModel(const ModelContext& ctx, std::size_t file_index = 0,
                    std::vector<std::string> output_names = {});

  // The declared size of the first input's spatial dims (W, H), or `fallback` when symbolic.
  cv::Size declared_input_size(cv::Size fallback) const;

  cv::dnn::Net m_net;
  OnnxInfo m_info;
  cv::Mat m_blob;
  std::vector<cv::Mat> m_outputs;
  std::vector<std::string> m_output_names;

 private:
  std::filesystem::path m_file;
  bool m_ran_once = false;  // a first forward that throws goes through throw_first_forward_error()
};

}  // namespace zoobench
