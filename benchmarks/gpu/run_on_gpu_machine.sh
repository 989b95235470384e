#!/usr/bin/env bash
# Reproduces the recorded GPU results (benchmarks/results/gpu-h100/): builds zoo-bench against OpenCV
# 4.10 installs made by scripts/build_opencv_cuda.sh (--pack-install), then runs the doctor, the GPU
# smoke check, the full CPU / CUDA / CUDA FP16 benchmark, and the negative proofs (wrong architecture,
# no visible GPU, CPU-only OpenCV). Every command's output and exit code land in OUT_DIR.
set -uo pipefail

usage() {
  cat <<EOF
Usage: benchmarks/gpu/run_on_gpu_machine.sh --opencv TAR.xz [--wrong-arch TAR.xz] [--cpu-only TAR.xz]
                                            --models DIR --media DIR --out DIR [--no-tests]
  --opencv      OpenCV install (tar.xz of the prefix) built for this GPU's architecture
  --wrong-arch  the same OpenCV built for another architecture without PTX (negative proof)
  --cpu-only    the same OpenCV built without CUDA (negative proof)
  --models      model root in the zoo layout;  --media  a folder with images/ and videos/
  --out         where logs, JSON, CSV and Markdown go
EOF
}

die() { echo "run_on_gpu_machine: error: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
opencv="" wrong="" cpuonly="" models="" media="" out="" tests=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --opencv) opencv=$2; shift 2 ;;
    --wrong-arch) wrong=$2; shift 2 ;;
    --cpu-only) cpuonly=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --media) media=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-tests) tests=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ -f $opencv && -d $models && -d $media && -n $out ]] || { usage >&2; die "--opencv, --models, --media and --out are required"; }
mkdir -p "$out"
work=$(mktemp -d)

# Runs a command, keeps its output in $out/NAME.log and its exit code in $out/exit_codes.txt.
record() {
  local name=$1; shift
  echo "\$ $*" > "$out/$name.log"
  "$@" >> "$out/$name.log" 2>&1
  local rc=$?
  echo "$name: exit $rc   ($*)" >> "$out/exit_codes.txt"
  return 0
}

unpack_and_build() {  # NAME TARBALL [extra cmake args]
  local name=$1 tarball=$2; shift 2
  # Installs packed by build_opencv_cuda.sh hold one folder named like their prefix; unpacked under
  # /tmp/zb they sit where they were built, so any absolute run path in them still resolves.
  mkdir -p /tmp/zb
  tar -xJf "$tarball" -C /tmp/zb
  local config
  config=$(find "/tmp/zb/$(tar -tJf "$tarball" | head -n 1)" -name OpenCVConfig.cmake -path '*opencv4*' | head -n 1)
  [[ -n $config ]] || die "no OpenCVConfig.cmake in $tarball"
  # DT_RPATH (not RUNPATH) so that OpenCV's own libraries also resolve inside this prefix: the three
  # installs side by side must never mix.
  if ! cmake -S "$root" -B "$work/build-$name" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DOpenCV_DIR="$(dirname "$config")" -DZOO_BENCH_TEST_MODELS_DIR="$models" \
      -DZOO_BENCH_TEST_DATA_DIR="$media" -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags "$@" \
      > "$out/configure-$name.log" 2>&1; then
    die "configuring zoo-bench against $name failed: see $out/configure-$name.log"
  fi
  cmake --build "$work/build-$name" --parallel "$(nproc)" > "$out/build-$name.log" 2>&1 ||
    die "building zoo-bench against $name failed: see $out/build-$name.log"
}

{ nvidia-smi; nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv; nvcc --version;
  lscpu | grep -E 'Model name|^CPU\(s\)'; } > "$out/machine.txt" 2>&1

data=$work/data
"$root/scripts/make_data_root.sh" "$media" "$data" > "$out/data_root.log" 2>&1

start=$(date +%s)
# The test suite is built last, after every timed run, so that compiling never overlaps a measurement.
unpack_and_build cuda "$opencv" -DZOO_BENCH_BUILD_TESTS=OFF
[[ -n $wrong ]] && unpack_and_build wrongarch "$wrong" -DZOO_BENCH_BUILD_TESTS=OFF
[[ -n $cpuonly ]] && unpack_and_build cpuonly "$cpuonly" -DZOO_BENCH_BUILD_TESTS=OFF
echo "zoo-bench builds: $(( $(date +%s) - start )) s" >> "$out/exit_codes.txt"

bin=$work/build-cuda/zoo-bench
record doctor "$bin" doctor --json "$out/doctor.json"
record gpu_smoke "$root/scripts/gpu_smoke.sh" --build-dir "$work/build-cuda" --models-dir "$models" --data-dir "$data"
record all_targets "$bin" --all --backend-target 0,1,2 --models-dir "$models" --data-dir "$data" \
  --json "$out/all_targets.json" --csv "$out/all_targets.csv" --markdown "$out/all_targets.md"
record no_visible_gpu env CUDA_VISIBLE_DEVICES= "$bin" doctor
if [[ -n $wrong ]]; then
  record wrongarch_doctor "$work/build-wrongarch/zoo-bench" doctor
  record wrongarch_require_cuda "$work/build-wrongarch/zoo-bench" -c "$root/configs/face_detection_yunet.yaml" \
    --backend-target 1,2 --require-cuda --models-dir "$models" --data-dir "$data"
fi
if [[ -n $cpuonly ]]; then
  record cpuonly_doctor "$work/build-cpuonly/zoo-bench" doctor
  record cpuonly_require_cuda "$work/build-cpuonly/zoo-bench" -c "$root/configs/face_detection_yunet.yaml" \
    --backend-target 1,2 --require-cuda --models-dir "$models" --data-dir "$data"
fi
if [[ $tests -eq 1 ]]; then
  cmake -S "$root" -B "$work/build-cuda" -DZOO_BENCH_BUILD_TESTS=ON > "$out/configure-tests.log" 2>&1 &&
    cmake --build "$work/build-cuda" --parallel "$(nproc)" > "$out/build-tests.log" 2>&1
  record ctest_cuda ctest --test-dir "$work/build-cuda" --output-on-failure
fi
cat "$out/exit_codes.txt"
