#!/usr/bin/env python3
"""Compares the speed-ups of two zoo-bench results files (JSON, schema 2) row by row: the medians, the
speed-up with its 95% interval in each run, and whether the two intervals overlap. Used for
benchmarks/results/gpu-h200 (two separate runs of the same table); `zoo-bench compare` is the tool
users get for this (issue 12), this script only reads the recorded files."""
import json
import sys


def rows(path):
    with open(path) as f:
        data = json.load(f)
    out = {}
    for r in data["rows"]:
        if r["status"] != "ok":
            continue
        out[(r["model"], r["files"], tuple(r["input_size"] or []), r["backend_target"])] = r
    return out


def main(a_path, b_path):
    a, b = rows(a_path), rows(b_path)
    names = {0: "CPU", 1: "CUDA", 2: "CUDA_FP16"}
    print("| model | size | target | placement | run 1 median ms | run 2 median ms | run 1 speed-up (95% CI) "
          "| run 2 speed-up (95% CI) | intervals overlap |")
    print("|---|---|---|---|---:|---:|---:|---:|---|")
    verdicts = []
    for key in a:
        if key not in b or key[3] == 0:
            continue
        ra, rb = a[key], b[key]
        def su(r):
            if r["speedup_vs_cpu"] is None:
                return "-"
            lo, hi = r["speedup_ci95"] or (None, None)
            return f'{r["speedup_vs_cpu"]:.2f}x ({lo:.2f}-{hi:.2f})' if lo is not None else f'{r["speedup_vs_cpu"]:.2f}x'
        overlap = "-"
        if ra["speedup_ci95"] and rb["speedup_ci95"]:
            (l1, h1), (l2, h2) = ra["speedup_ci95"], rb["speedup_ci95"]
            ok = max(l1, l2) <= min(h1, h2)
            verdicts.append(ok)
            overlap = "yes" if ok else "NO"
        size = "x".join(str(v) for v in key[2])
        print(f'| {key[0]} {key[1]} | {size} | {names.get(key[3], key[3])} | {ra["placement"]} | '
              f'{ra["median_ms"]:.2f} | {rb["median_ms"]:.2f} | {su(ra)} | {su(rb)} | {overlap} |')
    print(f"\n{sum(verdicts)} of {len(verdicts)} speed-up intervals overlap between the two runs.")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
