#!/usr/bin/env bash
# Runs the libFuzzer targets for a fixed time each, seeded from the shipped configs and the recorded
# results. They are built in the sanitizer build (scripts/test.sh --sanitize: clang-14, ASan + UBSan),
# which this script configures and builds when needed. A finding fails the script and is left in
# DIR/findings/<target>/; fix it, then keep it as a regression input in tests/fuzz/regressions/<target>/
# (the test suite replays every file there).
set -euo pipefail

usage() {
  cat <<'EOF2'
Usage: scripts/fuzz.sh [--seconds N] [--build-dir DIR] [--build-only] [TARGET...] [-- CMAKE_ARGS...]

Targets: fuzz_config (the YAML config loader), fuzz_results (the results JSON reader that report,
--baseline and --resume use, plus the aggregation a report runs on what it accepts), fuzz_journal (the
journal reader of --resume, and the same aggregation). Default: all three.

  --seconds N      run each target for N seconds (default 60)
  --build-dir DIR  the sanitizer build folder (default build-sanitize/, as scripts/test.sh --sanitize)
  --build-only     build the targets and run nothing
  CMAKE_ARGS       passed to the cmake configure step (e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CXX              the clang to use (default clang++-14, from Debian's clang-14 + libclang-rt-14-dev)
EOF2
}

die() { echo "fuzz.sh: error: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=60
build_dir=$root/build-sanitize
build_only=0
targets=()
cmake_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "--seconds needs a whole number of at least 1 (libFuzzer reads 0 as no limit)"; seconds=$2; shift ;;
    --build-dir) [[ $# -ge 2 && -n "$2" ]] || die "--build-dir needs a folder"; build_dir=$2; shift ;;
    --build-only) build_only=1 ;;
    -h|--help) usage; exit 0 ;;
    fuzz_config|fuzz_results|fuzz_journal) targets+=("$1") ;;
    --) shift; cmake_args+=("$@"); break ;;
    *) die "unknown argument '$1' (see scripts/fuzz.sh --help)" ;;
  esac
  shift
done
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_config fuzz_results fuzz_journal)
[[ "$build_dir" == /* ]] || build_dir=$PWD/$build_dir
cd "$root"

cxx=${CXX:-clang++-14}
command -v "$cxx" >/dev/null 2>&1 || die "$cxx not found; run scripts/install_deps.sh (installs clang-14 and libclang-rt-14-dev)"

generator=()
[[ -f "$build_dir/CMakeCache.txt" ]] || generator=(-G Ninja)
cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  -DZOO_BENCH_SANITIZE=ON "${cmake_args[@]}" ||
  die "cmake configure failed for $build_dir; a stale cache can be cleared with: rm -rf $build_dir"
cmake --build "$build_dir" --parallel "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" ||
  die "building the fuzz targets failed (see above)"
[[ $build_only -eq 0 ]] || exit 0

# Seeds: the shipped configs; and small results files cut from the recorded ones (a few records with a
# few samples each: megabyte seeds would make every run slow), plus every kept regression input.
seed_root=$build_dir/seeds
rm -rf "$seed_root"
mkdir -p "$seed_root/fuzz_config" "$seed_root/fuzz_results" "$seed_root/fuzz_journal"
cp configs/*.yaml "$seed_root/fuzz_config/"
python3 - "$seed_root/fuzz_results" benchmarks/results "$seed_root/fuzz_journal" <<'PY'
import json, pathlib, sys
out, results, journals = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
n = 0
for path in sorted(results.rglob("*.json")):
    try:
        j = json.loads(path.read_text())
    except Exception:
        continue
    if not isinstance(j, dict) or "records" not in j:
        continue
    j["rows"] = []
    records = j["records"]
    for start in range(0, min(len(records), 12), 3):
        part = dict(j, records=records[start:start + 3])
        for r in part["records"]:
            for stage, samples in r.get("samples_ms", {}).items():
                r["samples_ms"][stage] = samples[:8]
        # Named after the path: several recorded files share a base name (all.json, mission.json).
        stem = "-".join(path.relative_to(results).with_suffix("").parts)
        (out / f"{stem}-{start}.json").write_text(json.dumps(part))
        # The same records as a journal: the header line, then one line per record, as a run writes them.
        run_id = part.get("environment", {}).get("run_id", "") or "seed"
        lines = [json.dumps({"journal": "zoo-bench", "schema_version": part.get("schema_version"),
                             "run_id": run_id, "environment": part.get("environment")})]
        lines += [json.dumps({"run_id": run_id, "record": r}) for r in part["records"]]
        (journals / f"{stem}-{start}.journal.jsonl").write_text("\n".join(lines) + "\n")
        n += 1
print(f"fuzz.sh: {n} results seeds from {results}")
PY

# What ASan finds in a fuzz target is a finding: stop at the first report.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
failed=()
for target in "${targets[@]}"; do
  corpus=$build_dir/corpus/$target
  findings=$build_dir/findings/$target
  regressions=$root/tests/fuzz/regressions/$target
  mkdir -p "$corpus" "$findings" "$regressions"
  echo "fuzz.sh: $target for ${seconds}s (corpus $corpus)"
  if ! "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=16384 \
      -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seed_root/$target" "$regressions"; then
    failed+=("$target")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  die "findings in: ${failed[*]}; the inputs are in $build_dir/findings/<target>/: fix the bug, then copy each into tests/fuzz/regressions/<target>/"
fi
echo "fuzz.sh: no findings"
