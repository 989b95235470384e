#!/usr/bin/env bash
# Installs what is missing, configures and builds zoo-bench, and runs its test suite with ctest.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/test.sh [--no-deps] [--build-dir DIR] [--build-only] [--opencv-4.10] [--sanitize] [CMAKE_ARGS...]

Installs the missing Debian/Ubuntu packages (scripts/install_deps.sh), configures with
  cmake -S . -B DIR -G Ninja -DCMAKE_BUILD_TYPE=Release CMAKE_ARGS...
builds with every core, then runs ctest --test-dir DIR --output-on-failure.
Exits non-zero if any step or any test fails, or if no test is found.

  --no-deps         skip scripts/install_deps.sh (same as ZOO_BENCH_SKIP_DEPS=1)
  --build-dir DIR   build folder (default: build/ in the repository)
  --build-only      build only the zoo-bench program and run no tests (used by scripts/run_cpu.sh)
  --opencv-4.10     test against the project's own CPU-only OpenCV 4.10 instead of the system's:
                    built once with scripts/build_opencv_cuda.sh --cpu-only (about 12 minutes on
                    2 cores) and cached in $ZOO_BENCH_CACHE (default ~/.cache/zoo-bench); the build
                    folder defaults to build-opencv-4.10/. OpenCV 4.10 imports models 4.6 cannot
                    (VitTrack, PP-OCR), so their end-to-end tests run here.
  --sanitize        build everything with clang-14, AddressSanitizer + UndefinedBehaviorSanitizer (against
                    the system's OpenCV; build folder build-sanitize/, which also gets the libFuzzer targets
                    that scripts/fuzz.sh runs) and run the suite with halt_on_error: the first report
                    fails the run. Only leaks provably inside OpenCV's own code are suppressed
                    (tests/sanitizers/lsan.supp says which and why).
  CMAKE_ARGS        passed to the cmake configure step, e.g. -DOpenCV_DIR=/opt/opencv/lib/cmake/opencv4
  --help            show this help
EOF
}

die() { echo "test.sh: error: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

build_dir=$root/build
build_only=0
opencv_410=0
sanitize=0
build_dir_set=0
skip_deps=${ZOO_BENCH_SKIP_DEPS:-0}
cmake_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-deps) skip_deps=1 ;;
    --build-dir)
      [[ $# -ge 2 && -n "$2" ]] || die "--build-dir needs a folder, e.g. --build-dir build-cuda"
      build_dir=$2; build_dir_set=1; shift ;;
    --build-dir=*) build_dir=${1#--build-dir=}; build_dir_set=1; [[ -n "$build_dir" ]] || die "--build-dir= needs a folder" ;;
    --opencv-4.10) opencv_410=1 ;;
    --sanitize) sanitize=1 ;;
    --build-only) build_only=1 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; cmake_args+=("$@"); break ;;
    *) cmake_args+=("$1") ;;
  esac
  shift
done

# A relative --build-dir is taken from where you are; then everything runs from the repository root.
[[ "$build_dir" == /* ]] || build_dir=$PWD/$build_dir
cd "$root"

if [[ "$skip_deps" != 1 ]]; then
  "$root/scripts/install_deps.sh"
fi

if [[ $opencv_410 -eq 1 ]]; then
  cache=${ZOO_BENCH_CACHE:-$HOME/.cache/zoo-bench}
  prefix=$cache/opencv-4.10-cpu
  [[ $build_dir_set -eq 1 ]] || build_dir=$root/build-opencv-4.10
  if [[ ! -f $prefix/lib/cmake/opencv4/OpenCVConfig.cmake ]]; then
    echo "test.sh: building the CPU-only OpenCV 4.10 into $prefix (once; later runs reuse it)"
    deps=()
    [[ $(id -u) -eq 0 && "$skip_deps" != 1 ]] && deps=(--install-deps)
    "$root/scripts/build_opencv_cuda.sh" --cpu-only --prefix "$prefix" --build-dir "$cache/build/opencv-4.10-cpu" \
      --download-dir "$cache/downloads" "${deps[@]}" ||
      die "building OpenCV 4.10 failed (see above); scripts/build_opencv_cuda.sh --help lists the options"
  fi
  cmake_args=(-DOpenCV_DIR="$prefix/lib/cmake/opencv4" "${cmake_args[@]}")
fi

if [[ $sanitize -eq 1 ]]; then
  [[ $opencv_410 -eq 0 ]] || die "--sanitize builds against the system's OpenCV; drop --opencv-4.10"
  [[ $build_dir_set -eq 1 ]] || build_dir=$root/build-sanitize
  # clang, so that the same build also has the libFuzzer targets (scripts/fuzz.sh runs them).
  sanitize_cxx=${CXX:-clang++-14}
  command -v "$sanitize_cxx" >/dev/null 2>&1 ||
    die "$sanitize_cxx not found: --sanitize needs clang-14 and libclang-rt-14-dev (scripts/install_deps.sh installs them)"
  cmake_args=(-DZOO_BENCH_SANITIZE=ON -DCMAKE_CXX_COMPILER="$sanitize_cxx" "${cmake_args[@]}")
  # halt_on_error: the first report fails the test that triggered it. OpenCV is not instrumented, so
  # ASan cannot see inside it; LSan still sees its allocations, hence the (OpenCV-only) suppressions.
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  # Opening a file that no backend decodes makes OpenCV's videoio try its gPhoto2 camera backend, whose
  # gp_camera_autodetect() leaks libusb device lists (stack: cv::VideoCapture::open -> libopencv_videoio
  # -> libgphoto2 -> libusb; seen with ASAN_OPTIONS=fast_unwind_on_malloc=0). The default fast unwinder
  # stops at an unnamed frame, so no suppression can name it; zoo-bench never uses a camera: turn the
  # backend off.
  export OPENCV_VIDEOIO_PRIORITY_GPHOTO2=0
fi

for tool in cmake ninja; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found; run scripts/install_deps.sh (or drop --no-deps)"
done

# A folder configured earlier keeps its generator; passing -G again with another one is an error.
generator=()
[[ -f "$build_dir/CMakeCache.txt" ]] || generator=(-G Ninja)

cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}" ||
  die "cmake configure failed for $build_dir (see above); a stale cache can be cleared with: rm -rf $build_dir"

jobs=$(nproc 2>/dev/null || echo 2)
if [[ $build_only -eq 1 ]]; then
  cmake --build "$build_dir" --parallel "$jobs" --target zoo-bench || die "build failed in $build_dir (see above)"
  exit 0
fi
cmake --build "$build_dir" --parallel "$jobs" || die "build failed in $build_dir (see above)"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error
