#include "zoobench/input/images.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "zoobench/error.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {


cv::Mat center_crop(const cv::Mat& image, int crop) {
  const int w = std::min(crop, image.cols);
  const int h = std::min(crop, image.rows);
  return image(cv::Rect((image.cols - w) / 2, (image.rows - h) / 2, w, h));
}

}  // namespace

fs::path resolve_data_path(const std::string& path, const fs::path& data_dir) {
  const fs::path p(path);
  if (p.is_absolute()) return p;
  auto it = p.begin();
  if (it != p.end() && *it == "data") {
    fs::path rest;
    for (++it; it != p.end(); ++it) rest /= *it;
    return data_dir / rest;
  }
  return data_dir / p;
}

std::vector<fs::path> list_images(const fs::path& folder) {
  std::vector<fs::path> images;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp" ||
        ext == ".pgm" || ext == ".ppm" || ext == ".pbm") {
      images.push_back(entry.path());
    }
  }
  std::sort(images.begin(), images.end());
  return images;
}

cv::Mat read_label_file(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw DataError(fmt::format("{}: cannot read label file", file.string()));
  cv::Mat labels;
  std::string line;
  int line_no = 0;
  int width = -1;
  while (std::getline(in, line)) {
    ++line_no;
    line = line.substr(0, line.find('#'));
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream fields(line);
    std::vector<float> values;
    std::string token;
    while (fields >> token) {
      try {
        std::size_t used = 0;
        values.push_back(std::stof(token, &used));
        if (used != token.size()) throw std::invalid_argument(token);
      } catch (const std::exception&) {
        throw DataError(fmt::format("{}:{}: '{}' is not a number", file.string(), line_no, token));
      }
    }
    if (values.empty()) continue;
    if (width >= 0 && static_cast<int>(values.size()) != width) {
      throw DataError(fmt::format("{}:{}: {} values, but earlier rows have {}", file.string(), line_no,
                                  values.size(), width));
    }
    width = static_cast<int>(values.size());
    labels.push_back(cv::Mat(1, width, CV_32F, values.data()).clone());
  }
  return labels;
}

fs::path require_data_folder(const BenchmarkConfig& config, const fs::path& data_dir) {
  const fs::path folder = resolve_data_path(config.data.path, data_dir);
  if (!fs::is_directory(folder)) {
    throw MissingDataError(fmt::format("{}: data folder '{}' not found (from Benchmark.data.path '{}'); set --data-dir or "
                                "ZOO_BENCH_DATA_DIR to the zoo's benchmark data root, or build one with "
                                "scripts/make_data_root.sh",
                                config.file.string(), folder.string(), config.data.path));
  }
  return folder;
}

std::vector<fs::path> select_data_entries(const BenchmarkConfig& config, const fs::path& folder,
                                          const std::function<std::vector<fs::path>(const fs::path&)>& list,
                                          const std::string& what) {
  std::vector<fs::path> entries;
  for (const auto& name : config.data.files) entries.push_back(folder / name);
  if (!entries.empty()) return entries;
  entries = list(folder);
  if (entries.empty()) {
    throw MissingDataError(fmt::format("{}: no {} in data folder '{}' (put some there, or build a data root with "
                                       "scripts/make_data_root.sh)", config.file.string(), what, folder.string()));
  }
  return entries;
}

std::vector<InputGroup> load_inputs(const BenchmarkConfig& config, const fs::path& data_dir) {
  const fs::path folder = require_data_folder(config, data_dir);
  const std::vector<fs::path> files =
      select_data_entries(config, folder, list_images, "images (.jpg, .png, ...)");

  const bool classification = config.loader_kind() == "Classification";
  const bool recognition = config.loader_kind() == "Recognition";
  std::map<cv::Size, InputGroup, SizeLess> groups;
  for (const auto& file : files) {
    const cv::Mat original = cv::imread(file.string(), cv::IMREAD_COLOR);
    if (original.empty()) {
      throw DataError(fmt::format("{}: image '{}' is missing or unreadable (listed in Benchmark.data.files)",
                                  config.file.string(), file.string()));
    }
    cv::Mat labels;
    if (recognition) {
      const fs::path label_file = fs::path(file).replace_extension(".txt");
      if (fs::exists(label_file)) labels = read_label_file(label_file);
    }
    cv::Mat base = original;
    if (classification && config.data.to_rgb) cv::cvtColor(original, base, cv::COLOR_BGR2RGB);
    for (const cv::Size& size : config.data.sizes) {
      cv::Mat image = base;
      if (size.width > 0 && size.height > 0) cv::resize(base, image, size);
      if (classification && config.data.center_crop) image = center_crop(image, *config.data.center_crop).clone();
      InputGroup& group = groups[image.size()];
      group.size = image.size();
      group.items.push_back({file.filename().string(), image, labels});
    }
  }
  std::vector<InputGroup> out;
  for (auto& [size, group] : groups) out.push_back(std::move(group));
  return out;
}

std::vector<InputGroup> load_input_groups(const BenchmarkConfig& config, const fs::path& data_dir) {
  if (config.metric_kind() != "Tracking") return load_inputs(config, data_dir);
  std::map<cv::Size, std::vector<TrackingInput>, SizeLess> by_size;
  for (auto& input : load_tracking_inputs(config, data_dir)) by_size[input.frame_size].push_back(std::move(input));
  std::vector<InputGroup> groups;
  for (auto& [size, videos] : by_size) groups.push_back({size, {}, std::move(videos)});
  return groups;
}

}  // namespace zoobench
