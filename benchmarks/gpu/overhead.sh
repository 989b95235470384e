#!/usr/bin/env bash
# zoo-bench's harness overhead on the GPU machine: zoo-bench-overhead (benchmarks/overhead/) times YuNet
# 2023mar, the smallest zoo model, through zoo-bench's measured infer stage and through a bare
# setInput+forward, alternating call by call, on the CPU, CUDA and CUDA FP16, at 512x512 and at the zoo's
# 160x120 (configs/face_detection_yunet.yaml). Target: below 1% on each, i.e. the upper end of the 95%
# interval of the median paired ratio below 1.01.
# Writes OUT_DIR/machine.txt, OUT_DIR/overhead_<target>_<size>.{log,json} and OUT_DIR/summary.txt (one line
# per step: "target met" or "not shown").
# Budget (~3 minutes for the default 3 targets x 2 sizes): each step starts no round after --seconds
# (default 22 s; a round is one zoo-bench run of 10 + --repeat calls, a few seconds at most for YuNet), and
# `timeout` cuts a step at --seconds + 20 s whatever happens; 6 x ~25 s plus start-up.
set -uo pipefail

usage() {
  cat <<'EOF2'
Usage: benchmarks/gpu/overhead.sh --bin PATH/TO/zoo-bench --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
                                  [--build-dir DIR] [--targets "0 1 2"] [--sizes "512x512 160x120"]
                                  [--seconds S] [--rounds N] [--repeat N]
  --bin        zoo-bench; zoo-bench-overhead is taken from the same build folder (or --build-dir)
  --models     model root in the zoo layout (face_detection_yunet/face_detection_yunet_2023mar.onnx)
  --data       data root in the zoo layout (face_detection/ with the images, e.g. from make_data_root.sh)
  --out        where the logs and JSON go
  --targets    backend/targets to measure (default "0 1 2": CPU, CUDA, CUDA FP16)
  --sizes      input sizes, WIDTHxHEIGHT (default "512x512 160x120"; the zoo's YuNet config uses 160x120)
  --seconds S  time budget of each step (default 22): no round starts after it
  --rounds N   at most N rounds per step (default 60);  --repeat N  timed call pairs per round (default 100)
EOF2
}

die() { echo "overhead.sh: error: $*" >&2; exit 2; }

# shellcheck source=benchmarks/gpu/topic_args.sh
source "$(dirname "${BASH_SOURCE[0]}")/topic_args.sh"
parse_topic_args "$@"
set -- "${topic_rest[@]}"
targets="0 1 2" sizes="512x512 160x120" seconds=22 rounds=60 repeat=100
while [[ $# -gt 0 ]]; do
  case $1 in
    --targets|--sizes|--seconds|--rounds|--repeat)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in
        --targets) targets=$2 ;; --sizes) sizes=$2 ;; --seconds) seconds=$2 ;;
        --rounds) rounds=$2 ;; --repeat) repeat=$2 ;;
      esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -n $bin && -n $models && -n $data && -n $out ]] || { usage >&2; die "--bin, --models, --data and --out are required"; }
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || die "--seconds '$seconds': expected a whole number of seconds, e.g. 22"
[[ -n $build_dir ]] || build_dir=$(dirname "$bin")
overhead=$build_dir/zoo-bench-overhead
[[ -x $overhead ]] || die "$overhead not found: build the zoo-bench-overhead target of the same build folder"
model=$models/face_detection_yunet/face_detection_yunet_2023mar.onnx
[[ -f $model ]] || die "$model not found"
image=$(find -L "$data/face_detection" -maxdepth 1 -type f \( -name lena.jpg -o -name '*.jpg' -o -name '*.png' \) 2>/dev/null |
        sort | awk '/lena.jpg$/ { print; found = 1; exit } { if (!first) first = $0 } END { if (!found && first) print first }')
[[ -n $image ]] || die "no image in $data/face_detection (make the data root with scripts/make_data_root.sh)"
mkdir -p "$out"

{
  echo "date: $(date -u +%FT%TZ)"; echo "host: $(hostname)"; echo "cpus: $(nproc)"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,compute_cap,driver_version,clocks.sm,clocks.max.sm --format=csv 2>&1
  else
    echo "nvidia-smi: not found"
  fi
  echo "image: $image"
} > "$out/machine.txt"

names=(cpu cuda cuda_fp16 timvx cann)
worst=0
: > "$out/summary.txt"
start=$SECONDS
for t in $targets; do
  for size in $sizes; do
    name=${names[t]:-target$t}_$size
    cmd=("$overhead" --model "$model" --image "$image" --input-size "$size" --backend-target "$t" --rounds "$rounds"
         --repeat "$repeat" --warmup 10 --max-seconds "$seconds" --json "$out/overhead_$name.json")
    { echo "\$ ${cmd[*]}"; } > "$out/overhead_$name.log"
    rc=0
    timeout $((seconds + 20)) "${cmd[@]}" >> "$out/overhead_$name.log" 2>&1 || rc=$?
    echo "rc=$rc" >> "$out/overhead_$name.log"
    figure=$(sed -n 's/^zoo-bench infer \/ bare forward: //p' "$out/overhead_$name.log")
    verdict=$(sed -n 's/^overhead: //p' "$out/overhead_$name.log")
    # The program decides (upper end of the interval below 1.01 on a verified placement); this only says it short.
    case $verdict in
      "target met"*) word="target met" ;;
      *) word="not shown" ;;
    esac
    if [[ $rc -ne 0 || -z $figure ]]; then
      line="overhead.sh: $name: not shown: exit $rc, no result (see $out/overhead_$name.log)"
      worst=1
    else
      line="overhead.sh: $name: $word: $figure; $verdict"
    fi
    echo "$line" | tee -a "$out/summary.txt"
  done
done
echo "overhead.sh: $((SECONDS - start)) s in all" | tee -a "$out/summary.txt"
exit "$worst"
