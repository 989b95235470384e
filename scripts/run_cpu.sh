#!/usr/bin/env bash
# Installs what is missing, builds zoo-bench, and runs every config on the CPU (backend/target 0)
# with the models and data it can find.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/run_cpu.sh [--no-deps] [--build-dir DIR] [--cmake-arg ARG]... [--bin ZOO_BENCH] [--fetch] [--] [ZOO_BENCH_ARGS...]

Installs the missing Debian/Ubuntu packages, builds zoo-bench (scripts/test.sh --build-only), then runs
  DIR/zoo-bench --all --backend-target 0 --models-dir M --data-dir D ZOO_BENCH_ARGS...
Your own --backend-target, --models-dir, --data-dir or -c/--cfg replace the defaults above.

Models (M), first that applies:
  $ZOO_BENCH_MODELS_DIR; ./models if any *.onnx is below it (scripts/fetch_models.sh puts them there);
  ../shared/models beside the repository.
Data (D), first that applies:
  $ZOO_BENCH_DATA_DIR (a folder in OpenCV Zoo's benchmark data layout);
  DIR/data, built from ../shared/data by scripts/make_data_root.sh.

  --no-deps         skip scripts/install_deps.sh (same as ZOO_BENCH_SKIP_DEPS=1)
  --build-dir DIR   build folder (default: build/ in the repository)
  --cmake-arg ARG   extra cmake configure argument, e.g. --cmake-arg -DOpenCV_DIR=/opt/opencv/lib/cmake/opencv4
  --bin ZOO_BENCH   use this zoo-bench program and build nothing
  --fetch           fetch what the selected configs need and is missing first: model files with
                    scripts/fetch_models.sh into M, the zoo's benchmark data with scripts/fetch_data.sh into D
                    (needs network, or see their --from options); without it the script only says what is
                    missing and how to get it (from zoo-bench --list with your selection)
  --help            show this help

Exit status: 0 when every benchmark ran, or when nothing failed but some models or data were absent or not
supported by the installed OpenCV (zoo-bench's code 3: the normal state of a first run, said in its
summary); 3 when --fetch was given and could not get everything; otherwise zoo-bench's own code
(1 a benchmark failed, 2 usage or config error, 4 --require-cuda failed).
EOF
}

die() { echo "run_cpu.sh: error: $*" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# This very command with --fetch added, for the hint when something is missing.
with_fetch="scripts/run_cpu.sh --fetch"
[[ $# -eq 0 ]] || with_fetch+=$(printf ' %q' "$@")
shared=$root/../shared

build_dir=$root/build
bin=
build_args=()
bench_args=()
fetch=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-deps) build_args+=(--no-deps) ;;
    --build-dir)
      [[ $# -ge 2 && -n "$2" ]] || die "--build-dir needs a folder, e.g. --build-dir build-cuda"
      build_dir=$2; shift ;;
    --build-dir=*) build_dir=${1#--build-dir=}; [[ -n "$build_dir" ]] || die "--build-dir= needs a folder" ;;
    --cmake-arg)
      [[ $# -ge 2 ]] || die "--cmake-arg needs a value, e.g. --cmake-arg -DOpenCV_DIR=/opt/opencv/lib/cmake/opencv4"
      build_args+=("$2"); shift ;;
    --fetch) fetch=1 ;;
    --bin)
      [[ $# -ge 2 && -n "$2" ]] || die "--bin needs the zoo-bench program, e.g. --bin build/zoo-bench"
      bin=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; bench_args+=("$@"); break ;;
    *) bench_args+=("$1") ;;
  esac
  shift
done

# Relative paths (--build-dir, the environment's, zoo-bench's own arguments) are taken from where you are.
[[ "$build_dir" == /* ]] || build_dir=$PWD/$build_dir
if [[ -n "$bin" ]]; then
  [[ -x "$bin" ]] || die "--bin $bin is not an executable program"
else
  "$root/scripts/test.sh" --build-only --build-dir "$build_dir" "${build_args[@]}" || exit $?
  bin="$build_dir/zoo-bench"
  [[ -x "$bin" ]] || die "$bin was not built; run scripts/test.sh --build-dir $build_dir to see why"
fi

# Options the caller gave replace our defaults (zoo-bench takes each of them once).
given() {
  local arg want
  for arg in "${bench_args[@]}"; do
    for want in "$@"; do
      [[ "$arg" == "$want" || "$arg" == "$want="* ]] && return 0
    done
  done
  return 1
}

defaults=()
given -c --cfg || defaults+=(--all)
given --backend-target --cfg_overwrite_backend_target || defaults+=(--backend-target 0)

if ! given --models-dir; then
  if [[ -n "${ZOO_BENCH_MODELS_DIR:-}" ]]; then
    [[ -d "$ZOO_BENCH_MODELS_DIR" ]] ||
      die "ZOO_BENCH_MODELS_DIR=$ZOO_BENCH_MODELS_DIR is not a folder; fix or unset it"
    models=$ZOO_BENCH_MODELS_DIR
  elif [[ -n "$(find -L "$root/models" -name '*.onnx' -print -quit 2>/dev/null)" ]]; then
    models=$root/models
  elif [[ -d "$shared/models" ]]; then
    models=$(cd "$shared/models" && pwd)
  else
    models=$root/models
    echo "run_cpu.sh: no models found (./models is empty, no ../shared/models); fetch them with scripts/fetch_models.sh"
  fi
  defaults+=(--models-dir "$models")
fi

if ! given --data-dir; then
  if [[ -n "${ZOO_BENCH_DATA_DIR:-}" ]]; then
    [[ -d "$ZOO_BENCH_DATA_DIR" ]] || die "ZOO_BENCH_DATA_DIR=$ZOO_BENCH_DATA_DIR is not a folder; fix or unset it"
    data=$ZOO_BENCH_DATA_DIR
  elif [[ -d "$shared/data" ]]; then
    data=$build_dir/data
    "$root/scripts/make_data_root.sh" "$shared/data" "$data" || exit $?
  else
    die "no benchmark data: set ZOO_BENCH_DATA_DIR to a folder in OpenCV Zoo's data layout (see README.md, 'Models and data')"
  fi
  defaults+=(--data-dir "$data")
fi

# The value of an option the caller gave (--opt X or --opt=X), else the default we chose.
value_of() {
  local i
  for ((i = 0; i < ${#bench_args[@]}; i++)); do
    case "${bench_args[i]}" in
      "$1") echo "${bench_args[i + 1]:-}"; return ;;
      "$1="*) echo "${bench_args[i]#"$1="}"; return ;;
    esac
  done
  echo "$2"
}
models=$(value_of --models-dir "${models:-$root/models}")
data=$(value_of --data-dir "${data:-$root/data}")

# What is missing, exactly, for the selection (the caller's -c/--cfg, --all, --cfg-exclude, --configs-dir
# and the other options travel with it): zoo-bench --list names the selected configs' model files and
# their data folders, each "present" or "absent".
list_args=()
for arg in "${bench_args[@]}"; do
  [[ $arg == --dry-run || $arg == --plan ]] || list_args+=("$arg")  # with --list they print the plan instead
done
listing=$("$bin" --list "${defaults[@]}" "${list_args[@]}" 2>/dev/null || true)
missing_models() {
  awk '/^data:/ { exit } $NF == "absent" { print $(NF - 1) }' <<< "$listing"
}
missing_data() {
  local folder name
  awk 'seen && $NF == "absent" { print $(NF - 1) } /^data:/ { seen = 1 }' <<< "$listing" | while read -r folder; do
    # The zoo's data names (scripts/zoo_data.tsv) are the top folders, but for palm detection's.
    name=${folder%%/*}
    [[ $name == palm_detection_20230125 ]] && name=palm_detection
    echo "$name"
  done | sort -u
}
report_missing() {
  local files names
  mapfile -t files < <(missing_models)
  mapfile -t names < <(missing_data)
  if [[ ${#files[@]} -gt 0 ]]; then
    echo "run_cpu.sh: ${#files[@]} model file(s) missing in $models:"
    printf '  %s\n' "${files[@]}"
    local families
    families=$(printf '%s\n' "${files[@]%%/*}" | sort -u | paste -sd, -)
    [[ $fetch -eq 1 ]] || echo "run_cpu.sh:   fetch them: add --fetch to this command, $with_fetch (or scripts/fetch_models.sh --dest $models --only $families)"
  fi
  if [[ ${#names[@]} -gt 0 ]]; then
    echo "run_cpu.sh: ${#names[@]} data folder(s) missing or empty in $data: ${names[*]}"
    [[ $fetch -eq 1 ]] || echo "run_cpu.sh:   fetch them: add --fetch to this command, $with_fetch (or scripts/fetch_data.sh --dest $data ${names[*]})"
  fi
  if [[ $fetch -eq 1 ]]; then
    # A fetch that fails (no network) is reported; the benchmarks still run with what is there.
    if [[ ${#files[@]} -gt 0 ]]; then
      "$root/scripts/fetch_models.sh" --dest "$models" --only "$(IFS=,; echo "${files[*]}")" || {
        fetch_failed=1
        echo "run_cpu.sh: fetch_models.sh could not fetch everything (see above); running with what is there"
      }
    fi
    if [[ ${#names[@]} -gt 0 ]]; then
      "$root/scripts/fetch_data.sh" --dest "$data" "${names[@]}" || {
        fetch_failed=1
        echo "run_cpu.sh: fetch_data.sh could not fetch everything (see above); running with what is there"
      }
    fi
  fi
}
fetch_failed=0
report_missing

echo "+ $bin ${defaults[*]} ${bench_args[*]}"
rc=0
"$bin" "${defaults[@]}" "${bench_args[@]}" || rc=$?
case $rc in
  0) ;;
  3)
    # zoo-bench's summary lists them ("Absent ..." lines, "Not measured" for unsupported ones). A first run
    # with some families absent is normal (0); a --fetch that failed is not (3: a CI must not read an
    # offline fetch that got nothing as a success).
    echo "run_cpu.sh: nothing failed, but some benchmarks were not measured: absent models or data, or not supported by this OpenCV (zoo-bench's summary above says which)."
    if [[ $fetch -eq 0 ]]; then
      echo "run_cpu.sh: to fetch what is missing, add --fetch to this command: $with_fetch"
      echo "run_cpu.sh: or set ZOO_BENCH_MODELS_DIR to an opencv_zoo checkout's models/ folder."
      rc=0
    elif [[ $fetch_failed -eq 1 ]]; then
      echo "run_cpu.sh: --fetch could not get everything (see the fetch errors above): check the network, or use the fetch scripts' --from DIR with files downloaded by hand."
    else
      rc=0
    fi ;;
  *) echo "run_cpu.sh: zoo-bench exited with code $rc" >&2 ;;
esac
exit "$rc"
