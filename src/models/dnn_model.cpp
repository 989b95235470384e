#include "zoobench/models/dnn_model.hpp"

#include "zoobench/catalog/model_file.hpp"

namespace zoobench {

DnnModel::DnnModel(const ModelContext& ctx, std::size_t file_index, std::vector<std::string> output_names)
    : m_output_names(std::move(output_names)), m_file(ctx.files.at(file_index)) {
  const auto& file = m_file;
  m_net = read_net(file, ctx.backend_target);
  if (file.extension() == ".onnx") m_info = read_onnx_info(file);
  if (m_output_names.empty()) m_output_names = m_net.getUnconnectedOutLayersNames();
}

void DnnModel::infer() {
  m_net.setInput(m_blob);
  if (m_ran_once) {
    m_net.forward(m_outputs, m_output_names);
    return;
  }
  try {
    m_net.forward(m_outputs, m_output_names);
  } catch (const cv::Exception& e) {
    throw_first_forward_error(m_file, e);
  }
  m_ran_once = true;
}

std::vector<std::vector<int>> DnnModel::input_shapes() const {
  if (m_blob.empty()) return {};
  return {std::vector<int>(m_blob.size.p, m_blob.size.p + m_blob.dims)};
}

cv::Size DnnModel::declared_input_size(cv::Size fallback) const {
  if (m_info.inputs.empty()) return fallback;
  const auto& dims = m_info.inputs.front().dims;
  if (dims.size() != 4) return fallback;
  // NCHW unless the last dim looks like channels (NHWC models such as MediaPipe's).
  const bool nhwc = dims[3] == 3 || dims[3] == 1;
  const auto h = nhwc ? dims[1] : dims[2];
  const auto w = nhwc ? dims[2] : dims[3];
  if (h <= 0 || w <= 0) return fallback;
  return {static_cast<int>(w), static_cast<int>(h)};
}

}  // namespace zoobench
