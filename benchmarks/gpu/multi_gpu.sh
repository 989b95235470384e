#!/usr/bin/env bash
# Issue 11 on the GPU machine: `--device N|all` for runs and `doctor --device N|all`. On any number of GPUs:
#   machine     nvidia-smi -L and each GPU's index, name, UUID, PCI bus id (to match the results' UUIDs)
#   doctor_all  doctor --device all: one verdict per GPU (expect exit 0)
#   doctor_0    doctor --device 0 (expect exit 0)
#   bad_run     a run with --device <GPU count>, an index that does not exist (expect exit 2, one line)
#   bad_doctor  doctor --device <GPU count> (expect exit 2, one line)
#   device0     CPU, CUDA, CUDA FP16 on GPU 0 with --require-cuda (expect exit 0): every CUDA record names
#               GPU 0 with its name and UUID and the memory taken on it (device0.json, records[].gpu;
#               one "device0 evidence" line in summary.txt)
#   one, all    the same GPU-only benchmark set with --device 0, then --device all, timed, nvidia-smi sampled
#               every 200 ms meanwhile (one_smi.csv, all_smi.csv): with two GPUs, `all` should take clearly
#               less wall time and both GPUs show utilisation and memory; with one GPU the two are alike.
# Every file goes under OUT_DIR (no subfolders); summary.txt has one line per step with its exit code and
# wall time. Each step is cut by `timeout` (--step-limit, default 200 s): in all at most about 8 minutes
# (device0 is small; one and all are the long steps), typically 3 on one H200.
set -uo pipefail

default_set="--all --fp32 --cfg-exclude wechat:tracking --backend-target 1,2 --no-cpu-baseline --trials 2 --warmup 1 --repeat 5"

usage() {
  cat <<EOF
Usage: benchmarks/gpu/multi_gpu.sh --bin ZOO_BENCH --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
                                   [--configs DIR] [--step-limit S] [--set-args "ARGS"]
  --bin         zoo-bench built against OpenCV with CUDA
  --models      model root in the zoo layout;  --data  a data root made by scripts/make_data_root.sh
  --out         where every log and results file goes
  --configs     config folder (default: configs/ of this script's repository)
  --step-limit  seconds each step may take (default 200)
  --set-args    the benchmark set of the one/all steps (default: "$default_set")
EOF
}

die() { echo "multi_gpu: error: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=benchmarks/gpu/topic_args.sh
source "$(dirname "${BASH_SOURCE[0]}")/topic_args.sh"
parse_topic_args "$@"
set -- "${topic_rest[@]}"
configs=$root/configs step_limit=200 set_args=$default_set
while [[ $# -gt 0 ]]; do
  [[ $1 == -h || $1 == --help ]] && { usage; exit 0; }
  [[ $# -ge 2 ]] || { usage >&2; die "$1 needs a value"; }
  case $1 in
    --configs) configs=$2 ;;
    --step-limit) step_limit=$2 ;;
    --set-args) set_args=$2 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
  shift 2
done
[[ -x $bin && -d $models && -d $data && -n $out ]] || { usage >&2; die "--bin, --models, --data and --out are required"; }
[[ $step_limit =~ ^[0-9]+$ ]] || die "--step-limit must be a number of seconds"
mkdir -p "$out" || die "cannot create $out"
summary=$out/summary.txt
: > "$summary"
common=(--configs-dir "$configs" --models-dir "$models" --data-dir "$data")

# step NAME CMD...: output to NAME.log, one summary line with the exit code and the wall time.
step() {
  local name=$1
  shift
  local t0 t1 rc
  echo "\$ $*" > "$out/$name.log"
  t0=$(date +%s.%N)
  timeout "$step_limit" "$@" >> "$out/$name.log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  awk -v n="$name" -v rc="$rc" -v a="$t0" -v b="$t1" -v c="$*" 'BEGIN { printf "%s: exit %d, %.1f s   (%s)\n", n, rc, b - a, c }' |
    tee -a "$summary"
}

# sampled NAME CMD...: step, with nvidia-smi sampling every GPU into NAME_smi.csv meanwhile.
sampled() {
  local name=$1
  nvidia-smi --query-gpu=timestamp,index,uuid,utilization.gpu,memory.used --format=csv,nounits -lms 200 \
    > "$out/${name}_smi.csv" 2>&1 &
  local smi=$!
  step "$@"
  kill "$smi" 2>/dev/null
  wait "$smi" 2>/dev/null
  # The busiest sample and the most memory per GPU: every GPU busy is the point of `all`.
  awk -F', ' 'NR > 1 && $2 ~ /^[0-9]+$/ { if ($4 + 0 > u[$2]) u[$2] = $4 + 0; if ($5 + 0 > m[$2]) m[$2] = $5 + 0; n[$2]++ }
    END { for (g in n) printf "  GPU %s: max utilisation %d %%, max memory used %d MiB, %d samples\n", g, u[g], m[g], n[g] }' \
    "$out/${name}_smi.csv" | sort | tee -a "$summary"
}

{
  nvidia-smi -L
  nvidia-smi --query-gpu=index,name,uuid,pci.bus_id,compute_cap,memory.total,driver_version --format=csv
} > "$out/machine.txt" 2>&1
gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ')
echo "machine: $gpus GPU(s) listed by nvidia-smi (machine.txt)" | tee -a "$summary"

step doctor_all "$bin" doctor --device all --json "$out/doctor_all.json"
step doctor_0 "$bin" doctor --device 0 --json "$out/doctor_0.json"
step bad_run "$bin" -c "$configs/face_detection_yunet.yaml" --backend-target 1 --device "$gpus" "${common[@]}"
step bad_doctor "$bin" doctor --device "$gpus"
sampled device0 "$bin" -c "$configs/face_detection_yunet.yaml" -c "$configs/text_detection_ppocr.yaml" --fp32 \
  --backend-target 0,1,2 --trials 2 --warmup 1 --repeat 10 --device 0 --require-cuda "${common[@]}" \
  --json "$out/device0.json" --markdown "$out/device0.md"
# The placement evidence in one line: which GPU each CUDA record names, and the memory taken there.
if command -v python3 > /dev/null && [[ -s $out/device0.json ]]; then
  python3 - "$out/device0.json" << 'PY' | tee -a "$summary"
import json, sys
gpus = {}
for r in json.load(open(sys.argv[1]))["records"]:
    g = r.get("gpu")
    if g is None:
        continue
    mib = None if g["memory_taken"] is None else g["memory_taken"] / 2**20
    gpus.setdefault((g["index"], g["name"], g["uuid"]), []).append(mib)
for (index, name, uuid), taken in sorted(gpus.items()):
    known = [m for m in taken if m is not None]
    span = f"{min(known):.0f}-{max(known):.0f} MiB" if known else "unknown"
    print(f"  device0 evidence: {len(taken)} CUDA records on GPU {index} ({name}, {uuid}), memory taken {span}")
PY
fi
# shellcheck disable=SC2086  # set_args is a list of arguments
sampled one "$bin" $set_args --device 0 "${common[@]}" --json "$out/one.json" --markdown "$out/one.md"
# shellcheck disable=SC2086
sampled all "$bin" $set_args --device all "${common[@]}" --json "$out/all.json" --markdown "$out/all.md"
echo "done: $out/summary.txt"
