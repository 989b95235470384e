#pragma once
// Code shared by the four MediaPipe families (MPPalmDet, MPPersonDet, MPHandPose, MPPose): SSD anchor
// generation and decoding for the two detectors, letterboxing, input blobs in NHWC or NCHW, and the
// crop / rotate-upright / map-back geometry of the two landmark models.
#include <algorithm>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "zoobench/onnx/onnx_info.hpp"
#include "zoobench/models/result.hpp"

namespace zoobench::mediapipe {

// ---- SSD anchors (MediaPipe's SsdAnchorsCalculator with fixed_anchor_size) ----

// Every anchor is 1x1 in normalised units (fixed_anchor_size), so only its centre matters. Layers
// with the same stride share one feature map of ceil(input / stride) cells; each layer adds
// `anchors_per_layer` anchors per cell (aspect ratio 1 plus the interpolated scale = 2).
struct SsdAnchorOptions {
  cv::Size input;
  std::vector<int> strides;
  int anchors_per_layer = 2;
  float offset = 0.5f;  // centre = ((x + offset) / fw, (y + offset) / fh)
};

// Anchor centres in the network's order: feature map by feature map, row-major over the cells,
// the cell's anchors consecutive.
std::vector<cv::Point2f> generate_anchors(const SsdAnchorOptions& options);

// ---- Detector input: letterbox ----

struct Letterbox {
  cv::Mat image;         // exactly the input size
  cv::Point pad_bias;    // left/top padding in original-image pixels, truncated as the zoo does
};

// Aspect-preserving resize (INTER_LINEAR) and centred zero padding to `input`; the image is used
// unchanged when it already has that size. Works on any Mat type (the person detector pads its
// already-normalised float image, so its padding is 0 in [-1, 1]).
Letterbox letterbox(const cv::Mat& image, cv::Size input);

// ---- Detector output: SSD decoding ----

struct SsdDecodeParams {
  std::string family;     // for error messages
  cv::Size input;         // network input size: deltas are in its pixels
  cv::Size image;         // original image: coordinates are scaled by max(w, h)
  cv::Point pad_bias;     // from letterbox()
  int keypoints = 0;      // (x, y) pairs after the 4 box values
  float score_threshold = 0.5f;
};

// regressors: N x (4 + 2K) values (cx, cy, w, h deltas, then K keypoint deltas) and logits: N
// values, N = anchors.size(); any shape with those element counts ([1,N,M] as the models give).
// Score = sigmoid(clip(logit, -100, 100)). Returns the candidates with score >= threshold, boxes in
// original-image pixels, keypoints in Detection::points. Throws Error on a size mismatch.
std::vector<Detection> decode_ssd(const cv::Mat& regressors, const cv::Mat& logits,
                                  const std::vector<cv::Point2f>& anchors, const SsdDecodeParams& params);

// ---- Input blobs ----

// Throws DataError unless `image` is an 8-bit 3-channel (BGR) image.
void require_bgr(const cv::Mat& image, const std::string& family);

enum class Layout { NCHW, NHWC };

// The first input's layout from its declared dims ([1,H,W,3] = NHWC, [1,3,H,W] = NCHW), else fallback.
Layout input_layout(const OnnxInfo& info, Layout fallback);

// A 3-channel image -> a 4-D CV_32F blob [1,H,W,3] or [1,3,H,W], written into `blob` (its memory
// is reused when the shape is unchanged): value = pixel * scale + shift.
void make_blob(const cv::Mat& image, Layout layout, double scale, double shift, cv::Mat& blob);

// ---- Outputs matched by element count ----

// For each expected element count, in order, the first not yet used output with that many
// elements (so two outputs of equal size keep the net's output order). Throws Error naming the
// family and the shapes it got.
std::vector<const cv::Mat*> match_outputs(const std::vector<cv::Mat>& outputs,
                                          const std::vector<std::size_t>& expected_totals,
                                          const std::string& family);

// ---- Label rows ----

// The values of a label row (1 x N, any depth) as doubles; throws DataError naming the family and
// `what` the row should be when it has fewer than `min_values`.
std::vector<double> row_values(const cv::Mat& row, std::size_t min_values, const std::string& family,
                               const std::string& what);

// ---- ROI geometry ----

// The angle (degrees, in [-180, 180)) to pass to cv::getRotationMatrix2D so that the direction
// from `from` to `to` points straight up in the rotated image (image y points down).
double upright_angle(cv::Point2d from, cv::Point2d to);

// A box given by its corners (x1, y1, x2, y2), as the zoo's [[x1, y1], [x2, y2]] arrays.
struct Corners {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double width() const { return x2 - x1; }
  double height() const { return y2 - y1; }
  cv::Point2d centre() const { return {(x1 + x2) / 2, (y1 + y2) / 2}; }
};

// Moves the box by shift * (w, h), then scales each side by `scale` about the new centre.
Corners shift_and_scale(const Corners& box, cv::Point2d shift, double scale);

// The box with its corners truncated to integers, as the zoo's astype(np.int32).
cv::Rect truncate(const Corners& box);

// The tight box around the points.
Corners bounds(const std::vector<cv::Point2d>& points);

// Applies a 2x3 affine transform to a point.
cv::Point2d apply(const cv::Matx23d& m, cv::Point2d p);

// The network input shows a crop of a rotated image: the rotated image is `rotation` (from
// cv::getRotationMatrix2D) applied to a crop/pad of the original that starts at `pad_bias`; the
// input's centre is `centre` in the rotated image and one input pixel spans `scale` pixels there.
struct RoiMapping {
  cv::Matx23d rotation = cv::Matx23d(1, 0, 0, 0, 1, 0);
  double angle = 0;  // degrees, as given to getRotationMatrix2D
  cv::Point2d centre;
  cv::Point2d scale{1, 1};
  cv::Point2d pad_bias;
  cv::Size input;
};

// A network-input point -> original-image pixels (undo scale, rotation and crop).
cv::Point2d to_image(const RoiMapping& mapping, cv::Point2d input_point);

// A direction (world landmarks) rotated back the same way, without translation or scale.
cv::Point2d unrotate(const RoiMapping& mapping, cv::Point2d vector);

// Landmark depth (z) scale: the larger of the two axis scales, as the zoo.
inline double depth_scale(const RoiMapping& mapping) { return std::max(mapping.scale.x, mapping.scale.y); }

// Pads `image` with zeros to a side x side square, the image centred (extra pixel right/bottom);
// returns the square and sets `left_top` to the padding before the image.
cv::Mat pad_to_square(const cv::Mat& image, int side, cv::Point& left_top);

}  // namespace zoobench::mediapipe
