#!/usr/bin/env bash
# zoo-bench's harness overhead on the GPU machine: zoo-bench-overhead (benchmarks/overhead/) times YuNet
# 2023mar, the smallest zoo model, through zoo-bench's measured infer stage and through a bare
# setInput+forward loop, interleaved, on the CPU, CUDA and CUDA FP16. Target: below 1% on each.
# Writes OUT_DIR/machine.txt and OUT_DIR/overhead_<target>.{log,json}; one summary line per step.
# Budget: at most 3 x 150 s (each step is cut by `timeout`); about 2 minutes on an H200 host.
set -uo pipefail

usage() {
  cat <<'EOF2'
Usage: benchmarks/gpu/overhead.sh --bin PATH/TO/zoo-bench --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
                                  [--build-dir DIR] [--targets "0 1 2"] [--rounds N] [--repeat N]
  --bin        zoo-bench; zoo-bench-overhead is taken from the same build folder (or --build-dir)
  --models     model root in the zoo layout (face_detection_yunet/face_detection_yunet_2023mar.onnx)
  --data       data root in the zoo layout (face_detection/ with the images, e.g. from make_data_root.sh)
  --out        where the logs and JSON go
  --targets    backend/targets to measure (default "0 1 2": CPU, CUDA, CUDA FP16)
  --rounds N   interleaved rounds (default 20);  --repeat N  timed calls per round and side (default 100)
EOF2
}

die() { echo "overhead.sh: error: $*" >&2; exit 2; }

bin="" models="" data="" out="" build_dir="" targets="0 1 2" rounds=20 repeat=100
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin|--models|--data|--out|--build-dir|--targets|--rounds|--repeat)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in
        --bin) bin=$2 ;; --models) models=$2 ;; --data) data=$2 ;; --out) out=$2 ;;
        --build-dir) build_dir=$2 ;; --targets) targets=$2 ;; --rounds) rounds=$2 ;; --repeat) repeat=$2 ;;
      esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -n $bin && -n $models && -n $data && -n $out ]] || { usage >&2; die "--bin, --models, --data and --out are required"; }
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
for t in $targets; do
  name=${names[t]:-target$t}
  cmd=("$overhead" --model "$model" --image "$image" --backend-target "$t" --rounds "$rounds" --repeat "$repeat"
       --warmup 10 --json "$out/overhead_$name.json")
  { echo "\$ ${cmd[*]}"; } > "$out/overhead_$name.log"
  rc=0
  timeout 150 "${cmd[@]}" >> "$out/overhead_$name.log" 2>&1 || rc=$?
  echo "rc=$rc" >> "$out/overhead_$name.log"
  summary=$(grep -E '^zoo-bench infer / bare forward|^overhead:' "$out/overhead_$name.log" | tr '\n' ' ')
  echo "overhead.sh: $name: exit $rc: ${summary:-no result (see $out/overhead_$name.log)}"
  [[ $rc -eq 0 ]] || worst=$rc
done
exit "$worst"
