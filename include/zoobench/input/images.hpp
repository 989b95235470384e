#pragma once
// Benchmark inputs: images (Base/Detection), labelled images (Recognition: <stem>.txt rows) and
// classification images (toRGB, resize, centre crop), grouped by the loader's image size, which is
// the size the zoo prints in its rows. Reading and resizing are not timed, as in the zoo.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "zoobench/config/config.hpp"
#include "zoobench/input/video.hpp"

namespace zoobench {

struct InputItem {
  std::string file;  // file name, for messages
  cv::Mat image;
  cv::Mat labels;    // CV_32F, one row per label line; empty when the file has none
};

// Orders sizes (width, then height) for maps keyed by image size.
struct SizeLess {
  bool operator()(const cv::Size& a, const cv::Size& b) const {
    return a.width != b.width ? a.width < b.width : a.height < b.height;
  }
};

// The inputs of one size: images for the image metrics, videos (or frame folders) for Tracking.
struct InputGroup {
  cv::Size size;  // the loader's image size ([w, h] in the zoo's rows)
  std::vector<InputItem> items;
  std::vector<TrackingInput> videos;
};

// A config's data.path resolved against the data root: the zoo's cwd-relative "data/<task>" becomes
// <data_dir>/<task>; an absolute path is used as is; otherwise <data_dir>/<path>.
std::filesystem::path resolve_data_path(const std::string& path, const std::filesystem::path& data_dir);

// The config's data folder under the data root. Throws DataError naming the config and the fix when
// it is absent.
std::filesystem::path require_data_folder(const BenchmarkConfig& config, const std::filesystem::path& data_dir);

// The config's data.files inside `folder`, or, when it lists none, every entry `list` finds there.
// Throws DataError ("no <what> in data folder ...") when that is empty.
std::vector<std::filesystem::path> select_data_entries(
    const BenchmarkConfig& config, const std::filesystem::path& folder,
    const std::function<std::vector<std::filesystem::path>(const std::filesystem::path&)>& list,
    const std::string& what);

// Image files (jpg/jpeg/png/bmp/webp) in a folder, sorted; used when a config lists no files.
std::vector<std::filesystem::path> list_images(const std::filesystem::path& folder);

// Rows of numbers from a zoo label file (whitespace or comma separated, '#' comments). Throws DataError.
cv::Mat read_label_file(const std::filesystem::path& file);

// Loads every input for a config. Throws DataError naming the missing folder or file and the fix.
std::vector<InputGroup> load_inputs(const BenchmarkConfig& config, const std::filesystem::path& data_dir);

// The config's inputs grouped by size: images (load_inputs) or, for the Tracking metric, videos
// (load_tracking_inputs) by frame size. Throws DataError.
std::vector<InputGroup> load_input_groups(const BenchmarkConfig& config, const std::filesystem::path& data_dir);

}  // namespace zoobench
