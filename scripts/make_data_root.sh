#!/usr/bin/env bash
# Builds a data root in OpenCV Zoo's benchmark layout (one folder per task, the names of the zoo's
# benchmark/download_data.py) from a media folder with images/ and videos/, such as ../shared/data.
set -euo pipefail

TASKS=(
  face_detection face_recognition facial_expression_recognition/fer_evaluation text image_classification
  human_segmentation qrcode object_tracking person_reid palm_detection_20230125 license_plate_detection
  object_detection person_detection
)

# First-frame box (x,y,w,h) around the white car in the centre lane of slow_traffic_small
# (640x360), chosen by eye on the first frame.
TRACKING_VIDEO=slow_traffic_small
TRACKING_ROI=296,188,101,75

# A QR code (version 2, 25x25 modules, '#' dark) for the text https://opencv.org/, made with OpenCV's
# cv::QRCodeEncoder; tests/wechat_qrcode_test.cpp checks that WeChatQRCode decodes the image written
# from it. The shared media has no QR code image, and this needs no tool beyond bash.
QR_TEXT=https://opencv.org/
QR_MODULES=(
  "#######.#.#.#...#.#######"
  "#.....#..#####....#.....#"
  "#.###.#.###..####.#.###.#"
  "#.###.#.###.##.##.#.###.#"
  "#.###.#.#..######.#.###.#"
  "#.....#...##..#...#.....#"
  "#######.#.#.#.#.#.#######"
  "..........#.#..##........"
  "####..#.#.####.###..###.#"
  "#..###..#.#.##..##.#...#."
  "##.#.##..#####...#.#....."
  "..##...####....#....###.."
  "###.#######.#.#..##.#.###"
  ".#..#...##.##.##.####...#"
  ".###..##.#.#.#..##..#.##."
  "#..##....###..#.#####...#"
  "###...#.##..#.#.#########"
  "........#.....###...#.#.#"
  "#######...#..##.#.#.#.###"
  "#.....#....#.####...#...#"
  "#.###.#...#..##.######..."
  "#.###.#.#.#.....###.#####"
  "#.###.#.#.#...#..##.#.##."
  "#.....#.##.####..##.#.#.."
  "#######.####.......######"
)

usage() {
  cat <<EOF
Usage: scripts/make_data_root.sh [--copy] SRC DST

Creates DST/<task>/ for every task folder of OpenCV Zoo's benchmark data:
  ${TASKS[*]}
and fills them from SRC/images and SRC/videos (absolute symlinks, or copies with --copy):
  face_detection                         lena, messi5, face_*.jpg
  object_detection, image_classification bus, cat, aeroplane, person, persons_multi, smarties
  person_detection, person_reid,
  human_segmentation                     messi5, person, persons_multi
  text                                   scenetext*
  qrcode                                 opencv_org_qr.pgm: a QR code for $QR_TEXT, written by this script
  palm_detection_20230125                messi5, person, persons_multi (people with visible hands)
  facial_expression_recognition/fer_evaluation
                                         lena, face_*.jpg (each whole image taken as one face)
  object_tracking                        $TRACKING_VIDEO.avi and $TRACKING_VIDEO.txt (first-frame ROI $TRACKING_ROI)
Task folders without suitable media are created empty and listed. Running it again is safe.
SRC is only read.

  --copy    copy the files instead of symlinking them
  --help    show this help
EOF
}

die() { echo "make_data_root: error: $*" >&2; exit 2; }

copy=0
positional=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --copy) copy=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see scripts/make_data_root.sh --help)" ;;
    *) positional+=("$1") ;;
  esac
  shift
done
[[ ${#positional[@]} -eq 2 ]] || die "need SRC and DST, e.g. scripts/make_data_root.sh ../shared/data build/data"
src=${positional[0]}
dst=${positional[1]}

[[ -d "$src" ]] || die "$src is not a folder; pass a folder with images/ and videos/, e.g. ../shared/data"
src=$(realpath "$src")
[[ -d "$src/images" || -d "$src/videos" ]] ||
  die "$src has neither images/ nor videos/; pass a folder laid out like ../shared/data"
dst=$(realpath -m "$dst")
case "$dst/" in
  "$src"/*) die "DST $dst is inside SRC $src; choose a DST outside it (e.g. build/data)" ;;
esac
mkdir -p "$dst" || die "cannot create $dst; choose a writable DST"

# place TASK FILE...: links (or copies) each existing FILE into DST/TASK under its own name.
place() {
  local task=$1 file target
  shift
  for file in "$@"; do
    [[ -f "$file" ]] || continue
    target="$dst/$task/$(basename "$file")"
    # Remove first: copying onto an old symlink would write through it into SRC.
    rm -f "$target"
    if [[ $copy -eq 1 ]]; then
      cp "$file" "$target"
    else
      ln -s "$file" "$target"
    fi
  done
}

for task in "${TASKS[@]}"; do
  mkdir -p "$dst/$task"
done

img=$src/images
vid=$src/videos
place face_detection "$img"/lena.jpg "$img"/messi5.jpg "$img"/face_*.jpg
for task in object_detection image_classification; do
  place "$task" "$img"/{bus,cat,aeroplane,person,persons_multi}.jpg "$img"/smarties.png
done
for task in person_detection person_reid human_segmentation; do
  place "$task" "$img"/{messi5,person,persons_multi}.jpg
done
place text "$img"/scenetext*.*
# No close-up hand images exist in the shared media: palm detection and hand pose run (and are timed)
# on people with visible hands, so their detections may be few or none.
place palm_detection_20230125 "$img"/{messi5,person,persons_multi}.jpg
# Whole face images: without label rows each image is taken as one face.
place facial_expression_recognition/fer_evaluation "$img"/lena.jpg "$img"/face_*.jpg

# write_qr_pgm FILE: the QR code as a greyscale PGM, 8 pixels per module, a 4-module white border.
write_qr_pgm() {
  local file=$1 scale=8 border=4 row line px r i
  local side=$(( (${#QR_MODULES[@]} + 2 * border) * scale ))
  local white_line
  white_line=$(printf '255 %.0s' $(seq "$side"))
  {
    printf 'P2\n%d %d\n255\n' "$side" "$side"
    for (( i = 0; i < border * scale; i++ )); do echo "$white_line"; done
    for row in "${QR_MODULES[@]}"; do
      line=$(printf '255 %.0s' $(seq $(( border * scale ))))
      for (( r = 0; r < ${#row}; r++ )); do
        [[ ${row:r:1} == '#' ]] && px=0 || px=255
        line+=$(printf "$px %.0s" $(seq "$scale"))
      done
      line+=$(printf '255 %.0s' $(seq $(( border * scale ))))
      for (( i = 0; i < scale; i++ )); do echo "$line"; done
    done
    for (( i = 0; i < border * scale; i++ )); do echo "$white_line"; done
  } > "$file"
}
rm -f "$dst/qrcode/opencv_org_qr.pgm"
write_qr_pgm "$dst/qrcode/opencv_org_qr.pgm"

# Only the Motion-JPEG AVI: a minimal OpenCV build without FFmpeg cannot read the .mp4.
rm -f "$dst/object_tracking/$TRACKING_VIDEO.txt"
if [[ -f "$vid/$TRACKING_VIDEO.avi" ]]; then
  place object_tracking "$vid/$TRACKING_VIDEO.avi"
  echo "$TRACKING_ROI" > "$dst/object_tracking/$TRACKING_VIDEO.txt"
fi

empty=()
echo "make_data_root: $dst (from $src, $( [[ $copy -eq 1 ]] && echo copies || echo symlinks ))"
for task in "${TASKS[@]}"; do
  n=$(find "$dst/$task" -mindepth 1 -maxdepth 1 | wc -l)
  if [[ $n -eq 0 ]]; then
    empty+=("$task")
  else
    printf '  %-32s %s files\n' "$task" "$n"
  fi
done
if [[ ${#empty[@]} -gt 0 ]]; then
  echo "make_data_root: no media for (left empty): ${empty[*]}"
fi
