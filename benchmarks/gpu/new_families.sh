#!/usr/bin/env bash
# Issue 10 on the GPU machine: the families whose real files arrived (NanoDet, palm detection, hand pose,
# FER int8, YuNet int8, WeChatQRCode) on CPU / CUDA / CUDA FP16, then checks what the results must say:
# no failed row, every int8 CUDA row flagged as a CPU fallback, every int8bq file measured or
# "unsupported" with the ONNX node named (benchmarks/gpu/check_new_families.py).
# Budget: about 5 minutes on the H200 (each step is cut by `timeout`).
set -uo pipefail

usage() {
  cat <<EOF
Usage: benchmarks/gpu/new_families.sh --bin PATH/TO/zoo-bench --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
         [--backend-target LIST] [--limit S]
  --bin             zoo-bench built against the CUDA OpenCV
  --models, --data  model root (zoo layout) and data root (scripts/make_data_root.sh)
  --out             where the logs and JSON go (OUT_DIR/new_families.{log,json,md}, check.log, exit_codes.txt)
  --backend-target  pairs to run (default 0,1,2; 0 alone tests this script on a CPU machine)
  --limit           seconds the benchmark run may take (default 420)
EOF
}
die() { echo "new_families: error: $*" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=benchmarks/gpu/topic_args.sh
source "$(dirname "${BASH_SOURCE[0]}")/topic_args.sh"
parse_topic_args "$@"
set -- "${topic_rest[@]}"
pairs=0,1,2 limit=420
while [[ $# -gt 0 ]]; do
  case $1 in
    --backend-target|--limit)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in --backend-target) pairs=$2 ;; --limit) limit=$2 ;; esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -x $bin && -d $models && -d $data && -n $out ]] || { usage >&2; die "--bin (executable), --models, --data and --out are required"; }
mkdir -p "$out" || die "cannot create $out"
: > "$out/exit_codes.txt"

configs=(object_detection_nanodet palm_detection_mediapipe handpose_estimation_mediapipe
         facial_expression_recognition face_detection_yunet qrcode_wechatqrcode)
cfg_args=()
for c in "${configs[@]}"; do cfg_args+=(-c "$root/configs/$c.yaml"); done

step() {  # step NAME LIMIT COMMAND...: runs it with a time limit, logs to OUT/NAME.log, records the exit code
  local name=$1 secs=$2 rc
  shift 2
  timeout --kill-after=10 "$secs" "$@" > "$out/$name.log" 2>&1
  rc=$?
  echo "$name $rc" >> "$out/exit_codes.txt"
  echo "new_families: $name: exit $rc (log: $out/$name.log)"
  return "$rc"
}

step new_families "$limit" "$bin" "${cfg_args[@]}" --backend-target "$pairs" --warmup 2 --repeat 10 \
  --models-dir "$models" --data-dir "$data" --json "$out/new_families.json" --markdown "$out/new_families.md"
step check 60 python3 "$here/check_new_families.py" "$out/new_families.json"
check_rc=$?
cat "$out/check.log"
exit "$check_rc"
