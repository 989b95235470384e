#!/usr/bin/env bash
# Installs what is missing, configures and builds zoo-bench, and runs its test suite with ctest.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/test.sh [--no-deps] [--build-dir DIR] [--build-only] [CMAKE_ARGS...]

Installs the missing Debian/Ubuntu packages (scripts/install_deps.sh), configures with
  cmake -S . -B DIR -G Ninja -DCMAKE_BUILD_TYPE=Release CMAKE_ARGS...
builds with every core, then runs ctest --test-dir DIR --output-on-failure.
Exits non-zero if any step or any test fails, or if no test is found.

  --no-deps         skip scripts/install_deps.sh (same as ZOO_BENCH_SKIP_DEPS=1)
  --build-dir DIR   build folder (default: build/ in the repository)
  --build-only      build only the zoo-bench program and run no tests (used by scripts/run_cpu.sh)
  CMAKE_ARGS        passed to the cmake configure step, e.g. -DOpenCV_DIR=/opt/opencv/lib/cmake/opencv4
  --help            show this help
EOF
}

die() { echo "test.sh: error: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

build_dir=$root/build
build_only=0
skip_deps=${ZOO_BENCH_SKIP_DEPS:-0}
cmake_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-deps) skip_deps=1 ;;
    --build-dir)
      [[ $# -ge 2 && -n "$2" ]] || die "--build-dir needs a folder, e.g. --build-dir build-cuda"
      build_dir=$2; shift ;;
    --build-dir=*) build_dir=${1#--build-dir=}; [[ -n "$build_dir" ]] || die "--build-dir= needs a folder" ;;
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
