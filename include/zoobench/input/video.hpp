#pragma once
// Tracking inputs (the zoo's TrackingVideoLoader): a video file or a folder of frames (images in
// file-name order), plus the first-frame ROIs from <stem>.txt beside it (one "x,y,w,h" row per ROI).
// Frames are decoded outside the timed calls, as in the zoo.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "zoobench/config/config.hpp"

namespace zoobench {

struct TrackingInput {
  std::filesystem::path source;  // a video file or a folder of frames
  std::vector<cv::Rect> rois;    // first-frame boxes, in frame pixels
  cv::Size frame_size;           // the size the zoo prints in its rows

  std::string name() const { return source.filename().string(); }
};

// A video file (cv::VideoCapture) or a folder of frames, read front to back; reload() starts again.
class FrameStream {
 public:
  // Throws DataError when the source is absent, cannot be decoded, or has no frame.
  explicit FrameStream(std::filesystem::path source);

  // The next frame; false at the end. Throws DataError for an unreadable image in a frame folder.
  bool read(cv::Mat& frame);
  void reload();

 private:
  void open_video();

  std::filesystem::path m_source;
  std::vector<std::filesystem::path> m_frames;  // frame folder: its images, sorted; video: empty
  std::size_t m_next = 0;
  cv::VideoCapture m_capture;
};

// True for the video containers OpenCV may read (.avi .mp4 .mov .mkv .webm .m4v .mpg .mpeg .wmv).
bool is_video_file(const std::filesystem::path& file);

// Video files and frame folders (sub-folders that hold images) in a folder, sorted by name.
std::vector<std::filesystem::path> list_tracking_sources(const std::filesystem::path& folder);

// ROI rows (x,y,w,h; whitespace or comma separated) from a ROI file. Throws DataError naming the file
// and line when a row has not 4 values or a box is empty.
std::vector<cv::Rect> read_roi_file(const std::filesystem::path& file);

// Every tracking input of a config (data.files, or every video and frame folder in data.path), with
// its ROIs checked against the first frame. Throws DataError naming the file and the fix.
std::vector<TrackingInput> load_tracking_inputs(const BenchmarkConfig& config, const std::filesystem::path& data_dir);

}  // namespace zoobench
