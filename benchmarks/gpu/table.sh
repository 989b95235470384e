#!/usr/bin/env bash
# The CPU / CUDA / CUDA FP16 table on the GPU machine, measured twice back to back (to show whether two
# runs agree), then the users' own command `zoo-bench --all --backend-target 2` (which measures its
# CPU baseline itself) and `zoo-bench compare run1.json run2.json`. Every step is cut by `timeout`;
# zoo-bench rewrites its files after every row, so a cut step keeps what it measured.
# Writes OUT_DIR/{run1,run2,mission}.{log,json,md}, compare_run1_run2.{md,log}, exit_codes.txt.
set -uo pipefail

usage() {
  cat <<'EOF2'
Usage: benchmarks/gpu/table.sh --bin PATH/TO/zoo-bench --models MODELS_ROOT --data DATA_ROOT --out OUT_DIR
                               [--build-dir DIR] [--trials N] [--warmup N] [--repeat N] [--limit S]
  --trials N   interleaved trials per run (default 5)
  --warmup N, --repeat N   untimed and timed calls per input (default 3 and 5)
  --limit S    seconds each of the three runs may take (default 150)
EOF2
}

die() { echo "table.sh: error: $*" >&2; exit 2; }

# shellcheck source=benchmarks/gpu/topic_args.sh
source "$(dirname "${BASH_SOURCE[0]}")/topic_args.sh"
parse_topic_args "$@"
set -- "${topic_rest[@]}"
trials=5 warmup=3 repeat=5 limit=150
while [[ $# -gt 0 ]]; do
  case $1 in
    --trials|--warmup|--repeat|--limit)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      case $1 in
        --trials) trials=$2 ;; --warmup) warmup=$2 ;; --repeat) repeat=$2 ;; --limit) limit=$2 ;;
      esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -n $bin && -n $models && -n $data && -n $out ]] || { usage >&2; die "--bin, --models, --data and --out are required"; }
mkdir -p "$out" || die "cannot create $out"
: > "$out/exit_codes.txt"

step() {  # step NAME LIMIT COMMAND...: runs it with a time limit, logs to OUT/NAME.log, records the exit code
  local name=$1 secs=$2 rc t0=$SECONDS
  shift 2
  echo "\$ $*" > "$out/$name.log"
  timeout --kill-after=10 "$secs" "$@" >> "$out/$name.log" 2>&1
  rc=$?
  echo "$name $rc $(( SECONDS - t0 )) s" >> "$out/exit_codes.txt"
  echo "table: $name: exit $rc in $(( SECONDS - t0 )) s (log: $out/$name.log)"
}

common=(--warmup "$warmup" --repeat "$repeat" --models-dir "$models" --data-dir "$data")
for run in run1 run2; do
  step "$run" "$limit" "$bin" --all --backend-target 0,1,2 --trials "$trials" "${common[@]}" \
    --json "$out/$run.json" --markdown "$out/$run.md" --csv "$out/$run.csv"
done
step mission "$limit" "$bin" --all --backend-target 2 --trials "$trials" "${common[@]}" --json "$out/mission.json"
step compare_run1_run2 60 "$bin" compare "$out/run1.json" "$out/run2.json" --markdown "$out/compare_run1_run2.md"
tail -n 30 "$out/mission.log"
