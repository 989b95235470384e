#!/usr/bin/env bash
# Reproduces the recorded GPU results (benchmarks/results/gpu-h200/): builds zoo-bench against an
# OpenCV 4.10 install made by scripts/build_opencv_cuda.sh --pack-install, then, in phases that each
# fit a 10-minute slot on the GPU machine:
#   a: doctor, the GPU smoke check, run 1 of the full CPU / CUDA / CUDA FP16 table (3 interleaved
#      trials), and the users' own command `zoo-bench --all --backend-target 2`;
#   b: run 2 of the same table (to show that the speed-up intervals of two runs overlap), then the test
#      suite built against the CUDA OpenCV;
#   pair: doctor, the smoke check, then run 1 and run 2 back to back (each cut at --run-limit seconds;
#      zoo-bench rewrites its files after every row, so a cut run keeps what it measured);
#   none: no table; only the --script steps.
# Every --script "benchmarks/gpu/TOPIC.sh [ARGS]" runs after the phase as
#   TOPIC.sh ARGS --bin ZOO_BENCH --build-dir BUILD --models DIR --data DATA_ROOT --out OUT_DIR/TOPIC
# Every command's output and exit code land in OUT_DIR/results.tar.gz (repacked after every step:
# the GPU machine's tool returns only a few files, and this keeps what finished if a later step is cut).
set -uo pipefail

usage() {
  cat <<EOF
Usage: benchmarks/gpu/run_on_gpu_machine.sh --opencv TAR.xz --models DIR --media DIR --out DIR
                                            [--phase a|b|pair|all|none] [--table-args "ARGS"] [--run-limit S]
                                            [--cmake-arg ARG]... [--target T]... [--script "CMD"]...
  --opencv  OpenCV install (tar.xz of the prefix) built for this GPU's architecture
  --models  model root in the zoo layout;  --media  a folder with images/ and videos/
  --out     where logs, JSON, CSV and Markdown go
  --phase      a, b, pair or all (default all)
  --table-args extra zoo-bench arguments for the table runs (e.g. "--warmup 2 --repeat 5")
  --run-limit  seconds each table run may take (default: no limit)
  --cmake-arg  extra argument for configuring zoo-bench (e.g. -DZOO_BENCH_WITH_CUPTI=ON); repeatable
  --target     extra build target besides zoo-bench (e.g. a benchmark program); repeatable
  --script     a benchmarks/gpu/TOPIC.sh command line to run after the phase (see above); repeatable
EOF
}

die() {
  echo "run_on_gpu_machine: error: $*" >&2
  declare -F pack >/dev/null && pack  # keep the logs that say why
  exit 2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
opencv="" models="" media="" out="" phase=all table_args="" run_limit=0
cmake_extra=() targets=(zoo-bench) scripts=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --opencv) opencv=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --media) media=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --phase) phase=$2; shift 2 ;;
    --table-args) table_args=$2; shift 2 ;;
    --run-limit) run_limit=$2; shift 2 ;;
    --cmake-arg) cmake_extra+=("$2"); shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    --script) scripts+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -f $opencv && -d $models && -d $media && -n $out ]] || { usage >&2; die "--opencv, --models, --media and --out are required"; }
[[ $phase =~ ^(a|b|pair|all|none)$ ]] || die "--phase must be a, b, pair, all or none"
models=$(cd "$models" && pwd)
media=$(cd "$media" && pwd)
mkdir -p "$out"
packed=$(cd "$out" && pwd)/results.tar.gz
work=$(mktemp -d)
out=$work/results
mkdir -p "$out"

# Repacks everything so far into OUT_DIR/results.tar.gz.
pack() { tar -czf "$packed.tmp" -C "$out" . && mv "$packed.tmp" "$packed"; }

# Runs a command, keeps its output in $out/NAME.log and its exit code and wall time in $out/exit_codes.txt.
record() {
  local name=$1
  shift
  echo "\$ $*" > "$out/$name.log"
  local t0
  t0=$(date +%s)
  "$@" >> "$out/$name.log" 2>&1
  local rc=$?
  echo "$name: exit $rc, $(( $(date +%s) - t0 )) s   ($*)" >> "$out/exit_codes.txt"
  pack
  return 0
}

# Installs packed by build_opencv_cuda.sh hold one folder named like their prefix; unpacked under
# /tmp/zb they sit where they were built, so any absolute run path in them still resolves.
mkdir -p /tmp/zb
tar -xJf "$opencv" -C /tmp/zb
config=$(find "/tmp/zb/$(tar -tJf "$opencv" | head -n 1)" -name OpenCVConfig.cmake -path '*opencv4*' | head -n 1)
[[ -n $config ]] || die "no OpenCVConfig.cmake in $opencv"
build=$work/build-cuda
# DT_RPATH (not RUNPATH) so that OpenCV's own libraries also resolve inside this prefix.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOpenCV_DIR="$(dirname "$config")" \
  -DZOO_BENCH_TEST_MODELS_DIR="$models" -DZOO_BENCH_TEST_DATA_DIR="$media" \
  -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags -DZOO_BENCH_BUILD_TESTS=OFF "${cmake_extra[@]}" > "$out/configure.log" 2>&1 ||
  die "configuring zoo-bench failed: see $out/configure.log"
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}" > "$out/build.log" 2>&1 ||
  die "building zoo-bench failed: see $out/build.log"
bin=$build/zoo-bench

{
  nvidia-smi
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv
  nvcc --version
  lscpu | grep -E 'Model name|^CPU\(s\)'
} > "$out/machine.txt" 2>&1
data=$work/data
"$root/scripts/make_data_root.sh" "$media" "$data" > "$out/data_root.log" 2>&1

# NAME: the full CPU / CUDA / CUDA FP16 table, three interleaved trials.
table() {
  local limit=()
  [[ $run_limit -gt 0 ]] && limit=(timeout "$run_limit")
  # shellcheck disable=SC2086  # table_args is a list of arguments
  record "$1" "${limit[@]}" "$bin" --all --backend-target 0,1,2 --trials 3 $table_args --models-dir "$models" \
    --data-dir "$data" --json "$out/$1.json" --csv "$out/$1.csv" --markdown "$out/$1.md"
}

if [[ $phase == a || $phase == all ]]; then
  record doctor "$bin" doctor --json "$out/doctor.json"
  record gpu_smoke "$root/scripts/gpu_smoke.sh" --build-dir "$build" --models-dir "$models" --data-dir "$data"
  table run1
  record mission "$bin" --all --backend-target 2 --models-dir "$models" --data-dir "$data" --json "$out/mission.json"
fi
if [[ $phase == pair ]]; then
  record doctor "$bin" doctor --json "$out/doctor.json"
  record gpu_smoke "$root/scripts/gpu_smoke.sh" --build-dir "$build" --models-dir "$models" --data-dir "$data"
  table run1
  table run2
fi
if [[ $phase == b || $phase == all ]]; then
  table run2
  cmake -S "$root" -B "$build" -DZOO_BENCH_BUILD_TESTS=ON > "$out/configure-tests.log" 2>&1 &&
    cmake --build "$build" --parallel "$(nproc)" > "$out/build-tests.log" 2>&1
  record ctest_cuda ctest --test-dir "$build" --output-on-failure -j 8
fi
for cmd in "${scripts[@]}"; do
  eval "words=($cmd)"  # the command line as the caller quoted it
  topic=$(basename "${words[0]}" .sh)
  mkdir -p "$out/$topic"
  record "script-$topic" "$root/${words[0]}" "${words[@]:1}" --bin "$bin" --build-dir "$build" --models "$models" \
    --data "$data" --out "$out/$topic"
done
pack
cat "$out/exit_codes.txt"
