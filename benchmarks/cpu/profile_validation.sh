#!/usr/bin/env bash
# Issue 9, item 2 on the CPU: the cut-point profile against OpenCV's own getPerfProfile (ground truth on
# the CPU) for YOLOX-Nano (imports on OpenCV 4.6) and PP-OCRv3 (needs 4.10: pass a build against it).
#
#   benchmarks/cpu/profile_validation.sh --bin BUILD/zoo-bench --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
#                                        [--models-list yolox,ppocrv3] [--threads N] [--repeats N]
#                                        [--wall] [--limit S] [--estimator min|median] [--build-dir DIR]
#
# Per model two profiles: every layer a cut point, and groups of consecutive layers (--max-layers 40), both
# timed on the process's CPU clock (--clock cpu: on a shared 2-core machine most wall-clock forwards are
# pre-empted) with OpenCV on --threads threads (default 1, so CPU time is the compute time), the minimum
# of 15 forwards per cut (--repeats). getPerfProfile's per-layer times are wall time (OpenCV's), minimum
# of as many. --wall times on the wall clock with OpenCV's default threads instead (for a quiet many-core
# host, such as the GPU machine's; --build-dir is accepted for run_on_gpu_machine.sh and ignored). Writes
# OUT_DIR/<model>_<granularity>.{log,json} and prints one line per profile with the validation figures.
set -uo pipefail

die() { echo "profile_validation.sh: error: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin="" models="" data="" out="" list="yolox,ppocrv3" threads=1 repeats=15 wall=0 limit=1800 estimator=min
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) bin=${2:-}; shift 2 ;;
    --models) models=${2:-}; shift 2 ;;
    --data) data=${2:-}; shift 2 ;;
    --out) out=${2:-}; shift 2 ;;
    --models-list) list=${2:-}; shift 2 ;;
    --threads) threads=${2:-}; shift 2 ;;
    --repeats) repeats=${2:-}; shift 2 ;;
    --wall) wall=1; shift ;;
    --limit) limit=${2:-}; shift 2 ;;
    --estimator) estimator=${2:-}; shift 2 ;;  # seconds each profile may take
    --build-dir) shift 2 ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ -x $bin && -d $models && -d $data && -n $out ]] || die "--bin, --models, --data and --out are required"
mkdir -p "$out" || die "cannot create $out"

declare -A config=(
  [yolox]="$root/configs/object_detection_yolox.yaml"
  [ppocrv3]="$root/configs/text_detection_ppocr.yaml"
)
IFS=',' read -r -a wanted <<< "$list"
for model in "${wanted[@]}"; do
  [[ -n ${config[$model]:-} ]] || die "unknown model '$model' (yolox, ppocrv3)"
  for granularity in layers groups40; do
    extra=()
    [[ $granularity == groups40 ]] && extra=(--max-layers 40) || extra=(--max-layers 100000)
    name=${model}_$granularity
    clock=(--clock cpu)
    env_threads=(OPENCV_FOR_THREADS_NUM="$threads")
    [[ $wall == 1 ]] && clock=(--clock wall) && env_threads=()
    cmd=("$bin" profile -c "${config[$model]}" --fp32 --backend-target 0 --repeats "$repeats" --estimator "$estimator" "${clock[@]}"
         "${extra[@]}" --configs-dir "$root/configs" --models-dir "$models" --data-dir "$data" --json "$out/$name.json")
    echo "\$ ${env_threads[*]} ${cmd[*]}" > "$out/$name.log"
    t0=$(date +%s)
    env "${env_threads[@]}" timeout "$limit" "${cmd[@]}" >> "$out/$name.log" 2>&1
    rc=$?
    echo "$name: exit $rc, $(( $(date +%s) - t0 ))s | $(grep -m1 -o 'Validation against.*' "$out/$name.log") | $(grep -m1 -o 'segments add up.*' "$out/$name.log")"
  done
done
