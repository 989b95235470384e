#!/usr/bin/env bash
# Issue 9 on the GPU machine: per-layer profiles on CUDA from two sources (OpenCV's layer timer, host
# time per layer, every layer; and cut points timed in alternating sweeps, differenced), the GPU busy
# time per forward from CUPTI with a control without it, the verdict with its evidence, the fallback
# layers' cost and the cold start with the CUDA context on its own line, for YuNet (slower on CUDA than
# on the CPU), YOLOX-Nano and PP-OCRv4 (fallback layers), PP-OCRv3 (a net that gains), plus YuNet on
# the CPU of the same machine for comparison.
#
#   benchmarks/gpu/profile.sh --bin BUILD/zoo-bench --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
#                             [--budget SECONDS] [--repeats N] [--max-layers N] [--configs DIR] [--only STEP,...]
#
# Every step is bounded by `timeout`; the per-step limits (each step's share) add up to --budget (default
# 300 s). Each step has its own --repeats and --max-layers (below); --repeats / --max-layers given here
# replace them for every step. Writes OUT_DIR/summary.txt, OUT_DIR/machine.txt and
# OUT_DIR/profile_results.tar.gz (every step's <step>.log and <step>.json, repacked after each step so a
# cut run keeps what finished), and prints per step: exit code, seconds, the CUDA context creation, busy
# share, kernels and copies, CUPTI's own cost, the verdict, both methods' sum checks, the cross-check
# and the fallback layers' cost.
set -uo pipefail

usage() {
  sed -n '9,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() { echo "profile.sh: error: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/gpu/topic_args.sh
source "$(dirname "${BASH_SOURCE[0]}")/topic_args.sh"
parse_topic_args "$@"
set -- "${topic_rest[@]}"
budget=300 repeats="" max_layers="" configs=$root/configs
while [[ $# -gt 0 ]]; do
  case $1 in
    --budget) budget=${2:-}; shift 2 ;;
    --repeats) repeats=${2:-}; shift 2 ;;
    --max-layers) max_layers=${2:-}; shift 2 ;;
    --configs) configs=${2:-}; shift 2 ;;
    --only) only=${2:-}; shift 2 ;;  # run only the steps whose names are in this comma list
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -x $bin ]] || die "--bin must be the zoo-bench program (got '$bin')"
[[ -d $models ]] || die "--models must be the model root (got '$models')"
[[ -d $data ]] || die "--data must be a data root made by scripts/make_data_root.sh (got '$data')"
[[ -n $out ]] || die "--out is required"
[[ $budget =~ ^[0-9]+$ && $budget -ge 60 ]] || die "--budget must be whole seconds, at least 60"
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
summary=$out/summary.txt
: > "$summary"
packed=$out/profile_results.tar.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pack() { tar -czf "$packed.tmp" -C "$work" . && mv "$packed.tmp" "$packed"; }

common=(--configs-dir "$configs" --models-dir "$models" --data-dir "$data")

# name, share of the budget in percent, repeats, max cut points per net, then the profile arguments.
# Repeats R at 2 timed forwards per visit = R/2 sweeps (even) over the cut points. The H200 run before
# the sweeps took about one forward per re-setup (YOLOX-Nano ~30 ms, YuNet ~4 ms, PP-OCRv4 ~8 ms per
# net forward), so a visit costs about 4 forwards: the estimates below are 5-40 s per step, well
# inside each step's share of the default 300 s.
steps=(
  "yunet_cpu|5|16|200|-c $configs/face_detection_yunet.yaml --fp32 --model-exclude 2021dec:2022mar --backend-target 0"
  "yunet_cuda|15|16|200|-c $configs/face_detection_yunet.yaml --fp32 --model-exclude 2021dec:2022mar --backend-target 1"
  "ppocrv3_cuda|15|12|110|-c $configs/text_detection_ppocr.yaml --fp32 --backend-target 1"
  "yolox_cuda|30|12|50|-c $configs/object_detection_yolox.yaml --fp32 --backend-target 1"
  "ppocrv4_cuda|35|8|60|-c $configs/text_recognition_ppocrv4.yaml --fp32 --backend-target 1"
)

{ date -u; uname -a; nvidia-smi 2>&1 | head -20; "$bin" --version; } > "$out/machine.txt" 2>&1
t_all=$(date +%s)
for step in "${steps[@]}"; do
  [[ -n ${only:-} && ,$only, != *,"${step%%|*}",* ]] && continue
  IFS='|' read -r name share step_repeats step_layers args <<< "$step"
  limit=$(( budget * share / 100 ))
  log=$work/$name.log
  # shellcheck disable=SC2086  # args are fixed words above
  cmd=("$bin" profile $args "${common[@]}" --repeats "${repeats:-$step_repeats}" --max-layers "${max_layers:-$step_layers}"
       --json "$work/$name.json")
  echo "\$ ${cmd[*]}" > "$log"
  t0=$(date +%s)
  timeout --kill-after=10 "$limit" "${cmd[@]}" >> "$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - t0 ))
  context=$(grep -m1 -o 'CUDA context creation: .*' "$log" | sed 's/CUDA context creation: /context /' | head -c 60)
  busy=$(grep -m1 -o 'busy share [0-9.]*%' "$log")
  kernels=$(grep -m1 -o 'kernels [0-9]*, copies [0-9]* (to device [0-9]*, to host [0-9]*), memsets [0-9]*' "$log")
  cupti=$(grep -m1 -o "CUPTI's own cost: a recorded forward takes [0-9.]*x" "$log" | sed "s/.*takes /CUPTI cost /")
  verdict=$(grep -m1 -o 'Verdict: [^.]*' "$log" | head -c 100)
  timer=$(grep -o 'layers add up to [0-9.]* ms of a [0-9.]* ms forward: median gap -\{0,1\}[0-9.]*% ([-0-9.]* ms), [a-zA-Z]*' "$log" |
          sed 's/layers add up to /timer /; s/ of a / vs /; s/ forward: median gap / /; s/ ([-0-9.]* ms)//' | paste -sd ';' -)
  cuts=$(grep -o 'segments add up to [0-9.]* ms, a whole forward of the same sweeps takes [0-9.]* ms: [0-9.]*% off, [a-zA-Z]*' "$log" |
         sed 's/segments add up to /cuts /; s/, a whole forward of the same sweeps takes / vs /; s/ off,//' | paste -sd ';' -)
  cross=$(grep -o '\(getPerfProfile\|(GPU+host time vs host time)\) ([0-9]* segments): rank correlation [-0-9.]*' "$log" |
          sed 's/.*rank correlation /rho /' | paste -sd ';' -)
  fallback=$(grep -o 'Layers that fell back to the CPU: [0-9]*, with copies [-0-9.]* ms' "$log" |
             sed 's/Layers that fell back to the CPU: /fallback /; s/, with copies / layers /' | paste -sd ';' -)
  note=""
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    note="CUT at ${limit}s after $(grep -c '^zoo-bench: profile:' "$log") steps"
  fi
  gpu_off=$(grep -m1 -o 'GPU activity: not.*\|GPU activity: CUPTI unavailable.*' "$log")
  [[ -n $gpu_off ]] && note="$note ${gpu_off}"
  line="$name: exit $rc, ${secs}s/${limit}s ${note} | ${context:-no context line} | ${busy:-no busy share} | ${kernels:-no kernel counts} | ${cupti:-no CUPTI control} | ${verdict:-no verdict} | ${timer:-no layer-timer check} | ${cuts:-no cut check} | ${cross:-no cross-check} | ${fallback:-no fallback layers}"
  echo "$line" | tee -a "$summary"
  pack
done
echo "all steps: $(( $(date +%s) - t_all ))s of a ${budget}s budget" | tee -a "$summary"
