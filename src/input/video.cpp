#include "zoobench/input/video.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <opencv2/imgcodecs.hpp>

#include "zoobench/input/images.hpp"
#include "zoobench/error.hpp"

namespace zoobench {

namespace fs = std::filesystem;

namespace {

std::string lower_extension(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

std::string cannot_decode(const fs::path& file) {
  return fmt::format("OpenCV here cannot decode {} (built without FFmpeg?): use the Motion-JPEG .avi or a folder "
                     "of frames",
                     file.string());
}

// Where a source's ROI file lives: <stem>.txt beside a video, <folder>.txt beside a frame folder.
fs::path roi_file_for(const fs::path& source) {
  return fs::is_directory(source) ? fs::path(source.string() + ".txt") : fs::path(source).replace_extension(".txt");
}

}  // namespace

FrameStream::FrameStream(fs::path source) : m_source(std::move(source)) {
  if (fs::is_directory(m_source)) {
    m_frames = list_images(m_source);
    if (m_frames.empty()) {
      throw DataError(fmt::format("{}: frame folder has no images (.jpg/.png/...); put the video's frames there, "
                                  "named in playing order",
                                  m_source.string()));
    }
    return;
  }
  if (!fs::is_regular_file(m_source)) throw DataError(fmt::format("{}: video not found", m_source.string()));
  open_video();
}

void FrameStream::open_video() {
  m_capture.release();
  // A file OpenCV cannot demux makes the FFmpeg backend (when present) log to stderr and return false.
  if (!m_capture.open(m_source.string())) throw DataError(cannot_decode(m_source));
}

bool FrameStream::read(cv::Mat& frame) {
  if (m_frames.empty()) return m_capture.read(frame) && !frame.empty();
  if (m_next >= m_frames.size()) return false;
  const fs::path& file = m_frames[m_next++];
  frame = cv::imread(file.string(), cv::IMREAD_COLOR);
  if (frame.empty()) throw DataError(fmt::format("{}: frame image is unreadable", file.string()));
  return true;
}

void FrameStream::reload() {
  if (!m_frames.empty()) {
    m_next = 0;
    return;
  }
  // Seeking is not reliable for every codec: reopen, as the zoo's _VideoStream.reload does.
  open_video();
}

bool is_video_file(const fs::path& file) {
  static const std::vector<std::string> kExtensions = {".avi", ".mp4", ".mov", ".mkv", ".webm",
                                                       ".m4v", ".mpg", ".mpeg", ".wmv"};
  const std::string ext = lower_extension(file);
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::vector<fs::path> list_tracking_sources(const fs::path& folder) {
  std::vector<fs::path> sources;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_directory() ? !list_images(entry.path()).empty() : is_video_file(entry.path())) {
      sources.push_back(entry.path());
    }
  }
  std::sort(sources.begin(), sources.end());
  return sources;
}

std::vector<cv::Rect> read_roi_file(const fs::path& file) {
  const cv::Mat rows = read_label_file(file);
  if (rows.empty()) throw DataError(fmt::format("{}: no ROI rows; add one line 'x,y,w,h' per object", file.string()));
  if (rows.cols != 4) {
    throw DataError(fmt::format("{}: ROI rows need 4 values (x,y,w,h), found {}", file.string(), rows.cols));
  }
  std::vector<cv::Rect> rois;
  for (int r = 0; r < rows.rows; ++r) {
    const float* v = rows.ptr<float>(r);
    // The zoo reads the rows as int32.
    const cv::Rect roi(static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]), static_cast<int>(v[3]));
    if (roi.width <= 0 || roi.height <= 0) {
      throw DataError(fmt::format("{}: ROI row {} has an empty box ({}x{})", file.string(), r + 1, roi.width,
                                  roi.height));
    }
    rois.push_back(roi);
  }
  return rois;
}

std::vector<TrackingInput> load_tracking_inputs(const BenchmarkConfig& config, const fs::path& data_dir) {
  const fs::path folder = require_data_folder(config, data_dir);
  const std::vector<fs::path> sources =
      select_data_entries(config, folder, list_tracking_sources, "video (.avi, .mp4, ...) or frame folder");

  std::vector<TrackingInput> inputs;
  for (const auto& source : sources) {
    TrackingInput input;
    input.source = source;
    FrameStream stream(source);
    cv::Mat first;
    if (!stream.read(first)) throw DataError(cannot_decode(source));
    input.frame_size = first.size();

    const fs::path roi_file = roi_file_for(source);
    if (!fs::is_regular_file(roi_file)) {
      throw DataError(fmt::format("{}: no first-frame ROI file {} (one line 'x,y,w,h' per object to track)",
                                  source.string(), roi_file.string()));
    }
    input.rois = read_roi_file(roi_file);
    const cv::Rect frame_rect({0, 0}, input.frame_size);
    for (std::size_t i = 0; i < input.rois.size(); ++i) {
      const cv::Rect& roi = input.rois[i];
      if ((roi & frame_rect).area() == 0) {
        throw DataError(fmt::format("{}: ROI row {} ({},{},{},{}) lies outside the {}x{} first frame",
                                    roi_file.string(), i + 1, roi.x, roi.y, roi.width, roi.height,
                                    input.frame_size.width, input.frame_size.height));
      }
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

}  // namespace zoobench
