#!/usr/bin/env bash
# Issue 9's open checks on the GPU machine, in one device call:
#   validation: the cut method against getPerfProfile on this host's CPU (quiet, 16 cores; wall clock, default
#     threads), YOLOX-Nano and PP-OCRv3, per layer and by groups (benchmarks/cpu/profile_validation.sh --wall);
#   yolox_cuda: the YOLOX-Nano CUDA profile again, for the verdict as shipped (benchmarks/gpu/profile.sh --only);
#   cold_no_cupti: YuNet's CUDA cold start with CUPTI off (--no-gpu-activity), against the recorded one with it on;
#   cupti_probe_late / cupti_probe_plain: YuNet on CUDA with ZOO_BENCH_CUPTI_PROBE=late (activity kinds enabled
#     after the first forward, as the first probe did) and =plain-flush (flushed without FLUSH_FORCED): which of
#     the two made kernel records go missing.
# Usage: benchmarks/gpu/profile_checks.sh --bin ZOO_BENCH --models DIR --data DIR --out DIR [--build-dir DIR]
#                                         [--repeats N] [--limit S]
set -uo pipefail

die() { echo "profile_checks.sh: error: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/gpu/topic_args.sh
source "$root/benchmarks/gpu/topic_args.sh"
parse_topic_args "$@"
set -- "${topic_rest[@]}"
repeats=8 limit=120
while [[ $# -gt 0 ]]; do
  case $1 in
    --repeats) repeats=${2:-}; shift 2 ;;
    --limit) limit=${2:-}; shift 2 ;;  # seconds each validation profile may take
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ -x $bin && -d $models && -d $data && -n $out ]] || die "--bin, --models, --data and --out are required"
mkdir -p "$out" || die "cannot create $out"

"$root/benchmarks/cpu/profile_validation.sh" --bin "$bin" --models "$models" --data "$data" --out "$out/validation" \
  --wall --repeats "$repeats" --estimator median --limit "$limit"
"$root/benchmarks/gpu/profile.sh" --bin "$bin" --models "$models" --data "$data" --out "$out/yolox" --only yolox_cuda \
  --budget 300  # yolox_cuda's share of 300 s is 90 s; it took 55 s before

yunet=(profile -c "$root/configs/face_detection_yunet.yaml" --fp32 --model-exclude 2021dec:2022mar --backend-target 1
       --repeats 4 --max-layers 5 --configs-dir "$root/configs" --models-dir "$models" --data-dir "$data")
short() {  # short NAME [ENV=VALUE] -- ARGS...: one small YuNet profile, its key lines printed
  local name=$1 env_args=()
  shift
  while [[ $1 != -- ]]; do env_args+=("$1"); shift; done
  shift
  echo "\$ ${env_args[*]} $bin $*" > "$out/$name.log"
  env "${env_args[@]}" timeout 60 "$bin" "$@" >> "$out/$name.log" 2>&1
  echo "$name: exit $? | $(grep -m1 -o 'CUDA context creation: [0-9.]* ms' "$out/$name.log") | $(grep -m1 -o 'load .*steady median [0-9.]* ms' "$out/$name.log") | $(grep -m1 -o 'GPU activity.*' "$out/$name.log" | cut -c1-160) | $(grep -m1 -o 'kernels [0-9]*, copies [0-9]*' "$out/$name.log") | $(grep -m1 -o 'records by kind.*' "$out/$name.log")"
}
short cold_no_cupti -- "${yunet[@]}" --no-gpu-activity
short cold_with_cupti -- "${yunet[@]}"
short cupti_probe_late ZOO_BENCH_CUPTI_PROBE=late -- "${yunet[@]}"
short cupti_probe_plain ZOO_BENCH_CUPTI_PROBE=plain-flush -- "${yunet[@]}"
