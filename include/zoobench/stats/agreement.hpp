#pragma once
// Task-level agreement between two answers to the same inputs: a CUDA row's structured results
// against the CPU row's (detections matched by IoU, top-1/top-5, OCR text, landmarks, masks, feature
// vectors, tracked boxes per frame), plus the max |diff| of the raw network outputs. Pure functions.
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "zoobench/models/result.hpp"

namespace zoobench {

// How far a family's answer may move before it counts as a different answer.
struct AnswerTolerance {
  double match_iou = 0.5;         // two boxes of the same class are the same detection at IoU >= this
  double min_recall = 1.0;        // share of reference detections matched
  double min_precision = 1.0;     // share of candidate detections matched
  double max_landmark_px = 3.0;   // largest displacement of a matched detection's points, in pixels
  double max_text_distance = 0.0; // normalised edit distance allowed per text (0: exact)
  double min_mask_iou = 0.95;     // IoU of the non-background pixels
  double min_cosine = 0.99;       // feature vectors
  double min_track_iou = 0.5;     // mean IoU of the tracked boxes over frames
  bool require_top5 = false;      // a changed top-5 set (same top-1) also counts as a different answer
  bool tracking = false;          // answers are one tracked box per frame (compared frame by frame)
};

struct Agreement {
  bool compared = false;  // false when either side has no answers (nothing to compare)
  bool differs = false;   // beyond the tolerance: "ANSWER DIFFERS"
  bool vacuous = false;   // compared, but neither side found anything: agreement on nothing proves little
  std::string summary;    // e.g. "3/3 boxes matched, mean IoU 0.98", "top-1 same", "'theshap' vs 'theshp' (0.14)"
  // The metrics that apply to the answers compared; the others stay empty.
  std::optional<double> recall, precision, mean_iou;       // detections (and text boxes)
  std::optional<double> max_landmark_px;                    // detections with points
  std::optional<bool> top1_same, top5_same;                 // classifications
  std::optional<double> text_exact, text_distance;          // share of texts equal; worst normalised edit distance
  std::optional<double> mask_iou;                           // segmentation
  std::optional<double> cosine;                             // lowest cosine similarity of the feature vectors
  std::optional<double> track_iou_mean, track_iou_min;      // trackers, per frame
  std::optional<double> max_abs_diff;                       // raw outputs, when both sides have them
};

// Compares answers given in the same order (one per input item or per frame). Lists of different
// lengths (different inputs) and answers with nothing both sides can be compared on give
// compared = false with a "not compared: ..." summary; so does an empty side.
Agreement compare_answers(const std::vector<ModelResult>& reference, const std::vector<ModelResult>& candidate,
                          const AnswerTolerance& tolerance);

// Largest |a - b| over tensors of equal shape and count; nullopt when either is empty or they differ
// in count, shape or type.
std::optional<double> max_abs_diff(const std::vector<cv::Mat>& a, const std::vector<cv::Mat>& b);

// Levenshtein distance / max(len): 0 equal, 1 nothing in common; over UTF-8 code points.
double normalised_edit_distance(const std::string& a, const std::string& b);

}  // namespace zoobench
