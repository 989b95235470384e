#!/usr/bin/env bash
# Why zoo-bench's CPU infer stage ran ~2x slower than a bare forward loop on the H200 host (16 threads)
# from the third round of zoo-bench-overhead on (benchmarks/results: overhead_cpu.log, ratio ~1.97),
# while it was ~1.0 on a 2-core machine and on CUDA.
# Hypothesis (measure/heap.hpp): glibc's heap. A large scratch buffer allocated and freed on every call
# (OpenCV's convolution scratch; zoo-bench's preprocess also makes a fresh 3 MB blob per call) comes
# back from the kernel as fresh pages (an mmap, or a heap top that free() trimmed), so timed forwards
# take thousands of minor page faults, which 16 threads pay dearly; whether it happens depends on the
# heap's history (a net loaded after a few others), not on zoo-bench's code path as such.
# zoo-bench now pins glibc's malloc (no mmap, no trim); ZOO_BENCH_MALLOC=default turns that off.
# Each experiment prints one line: the overall ratio (zoo-bench infer / bare forward), the median
# ratio of rounds 1-2 and of rounds 3+, and minor page faults per call on each side (bare: timed calls
# only; zoo: its whole Runner::run per call, so a reload adds a few hundred; with --zoo-keep, none).
# Expected if the hypothesis holds: "pinned" ~1.0 with ~0 faults; "default" ~2 from round 3 with
# zoo faults far above "pinned"; TOP_PAD/TRIM env variants ~1.0; log level and arena count no change.
# Budget: 8 experiments x at most 14 s (each cut by `timeout`), under 120 s.
set -uo pipefail

usage() {
  cat <<'EOF2'
Usage: benchmarks/gpu/overhead_diag.sh --bin PATH/TO/zoo-bench --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
                                       [--build-dir DIR] [--rounds N] [--repeat N]
  --bin        zoo-bench; zoo-bench-overhead is taken from the same build folder (or --build-dir)
  --models     model root (face_detection_yunet/face_detection_yunet_2023mar.onnx)
  --data       data root (face_detection/ with lena.jpg, e.g. from make_data_root.sh)
  --out        where each experiment's log and JSON go
  --rounds N   rounds per experiment (default 8);  --repeat N  timed calls per round and side (default 40)
EOF2
}
die() { echo "overhead_diag.sh: error: $*" >&2; exit 2; }

# shellcheck source=benchmarks/gpu/topic_args.sh
source "$(dirname "${BASH_SOURCE[0]}")/topic_args.sh"
parse_topic_args "$@"
set -- "${topic_rest[@]}"
rounds=8 repeat=40
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds|--repeat)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in --rounds) rounds=$2 ;; --repeat) repeat=$2 ;; esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -n $bin && -n $models && -n $data && -n $out ]] || { usage >&2; die "--bin, --models, --data and --out are required"; }
[[ -n $build_dir ]] || build_dir=$(dirname "$bin")
overhead=$build_dir/zoo-bench-overhead
[[ -x $overhead ]] || die "$overhead not found: build the zoo-bench-overhead target"
model=$models/face_detection_yunet/face_detection_yunet_2023mar.onnx
[[ -f $model ]] || die "$model not found"
image=$(find -L "$data/face_detection" "$data/images" -maxdepth 1 -type f -name lena.jpg 2>/dev/null | head -n 1)
[[ -n $image ]] || image=$(find -L "$data/face_detection" -maxdepth 1 -type f \( -name '*.jpg' -o -name '*.png' \) 2>/dev/null | sort | head -n 1)
[[ -n $image ]] || die "no image in $data/face_detection"
mkdir -p "$out"
echo "overhead_diag.sh: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg), glibc $(ldd --version 2>/dev/null | head -n 1 | awk '{print $NF}'), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"

# NAME "ENV ASSIGNMENTS" EXTRA-ARGS...
experiment() {
  local name=$1 envs=$2
  shift 2
  local log=$out/$name.log json=$out/$name.json
  # shellcheck disable=SC2086  # envs is a list of assignments
  { echo "\$ env $envs $overhead ... $*"; env $envs timeout 14 "$overhead" --model "$model" --image "$image" \
      --backend-target 0 --rounds "$rounds" --repeat "$repeat" --warmup 5 --json "$json" "$@"; echo "rc=$?"; } > "$log" 2>&1
  if [[ ! -s $json ]]; then
    echo "overhead_diag.sh: $name: no result ($(tail -n 1 "$log"); see $log)"
    return
  fi
  python3 - "$name" "$json" <<'PY'
import json, statistics, sys
name, j = sys.argv[1], json.load(open(sys.argv[2]))
r = j["rounds"]
early = [x["ratio"] for x in r if x["round"] <= 2]
late = [x["ratio"] for x in r if x["round"] >= 3]
med = lambda v: statistics.median(v) if v else float("nan")
bf = statistics.mean(x.get("bare_minor_faults_per_call", float("nan")) for x in r)
zf = statistics.mean(x.get("zoo_minor_faults_per_call", float("nan")) for x in r[1:] or r)
print(f"overhead_diag.sh: {name:<22} ratio {j['ratio']:.3f}  rounds1-2 {med(early):.3f}  rounds3+ {med(late):.3f}  "
      f"bare ms {med([x['bare_median_ms'] for x in r]):.2f}  zoo ms {med([x['zoo_infer_median_ms'] for x in r]):.2f}  "
      f"faults/call bare {bf:.0f} zoo {zf:.0f}  heap: {j.get('heap', '?')}")
PY
}

D=ZOO_BENCH_MALLOC=default
experiment pinned ""                                       # zoo-bench as it is now
experiment default "$D"                                    # glibc's defaults, as before the fix
experiment default_zoo_keep "$D" --zoo-keep                # one zoo model kept: reloading or the pipeline?
experiment default_bare_reload "$D" --bare-reload          # the bare net reloaded too: fresh nets as such?
experiment default_top_pad "$D MALLOC_TOP_PAD_=67108864"   # glibc keeps 64 MB at the heap top: no trim re-faults
experiment default_log_error "$D OPENCV_LOG_LEVEL=ERROR"   # OpenCV's log level (expected: no change)
experiment default_arena1 "$D MALLOC_ARENA_MAX=1"          # one malloc arena for all threads
experiment default_threads4 "$D" --threads 4               # fewer OpenCV threads: does the cost scale with them?
exit 0
