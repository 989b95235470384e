#pragma once
// CRNN text recognition (the zoo's text_recognition_CRNN_{EN,CH,CN}_*): one text box per call (a label
// row of 4 corners, or the whole image), perspective-cropped to 100x32, grayscale for the EN models and
// BGR for CH/CN, (x - 127.5) / 127.5; the output [T, 1, C] is decoded by greedy CTC with class 0 the blank.
// The recognised string is ModelResult::texts[0].
//
// Charsets (class k >= 1 is charset[k - 1]), chosen in this order:
//  1. Model param `charset`: a file with one character per line (relative paths: beside the model);
//  2. <model stem>.txt beside the model;
//  3. by name as the zoo does: `_EN_` -> EN_36 (digits, a-z), `_CH_` -> CH_94 (digits, a-z, A-Z, then the
//     ASCII punctuation '!'..'~' in code order), `_CN_` -> charset_3944_CN.txt beside the model (the
//     zoo publishes it in the model folder; zoo-bench does not embed it).
// A charset whose size does not match the model's declared class count is refused (Unsupported).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "zoobench/models/model.hpp"

namespace zoobench::crnn {

constexpr int kInputWidth = 100;
constexpr int kInputHeight = 32;

// One UTF-8 character per entry.
using Charset = std::vector<std::string>;

const Charset& charset_en36();
const Charset& charset_ch94();

// One character per line, surrounding whitespace stripped and empty lines skipped (the zoo's
// _load_charset). Throws ModelError (Missing, or Corrupt for a file without characters).
Charset read_charset_file(const std::filesystem::path& file);

// Greedy CTC over scores [T, C] (a [T, 1, C] or [1, T, C] tensor is read the same way): the best class
// of each step, repeats collapsed, blanks (class 0) dropped. Throws Error on an empty or non-float input.
std::vector<int> ctc_greedy(const cv::Mat& scores);

// ctc_greedy mapped through the charset. Throws Error for a class beyond it.
std::string ctc_decode(const cv::Mat& scores, const Charset& charset);

// A label row's corners (x1 y1 .. x4 y4: bottom-left, top-left, top-right, bottom-right, the zoo's text
// label order), or the whole image's corners when the row is empty. Throws DataError for a short row.
std::vector<cv::Point2f> label_quad(const cv::Mat& label_row, cv::Size image);

// Perspective crop: bottom-left, top-left, top-right, bottom-right go to the corners of `size`.
cv::Mat crop(const cv::Mat& image, const std::vector<cv::Point2f>& quad, cv::Size size);

std::unique_ptr<Model> create(const ModelContext& ctx);

}  // namespace zoobench::crnn
