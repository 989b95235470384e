#!/usr/bin/env python3
"""Checks a zoo-bench --json file from benchmarks/gpu/new_families.sh against issue 10's promises:
no FAILED record; int8 files on a CUDA target flagged as a CPU fallback (never verified); int8bq files
either measured or "unsupported" with the ONNX node named; the NanoDet real file measured on every
target that ran. Prints one line per finding and exits 1 when a promise is broken."""
import json
import sys


def main(path):
    with open(path) as f:
        results = json.load(f)
    problems, notes = [], []
    nanodet_targets = set()
    targets = set()
    for r in results["records"]:
        bt = r["backend_target"]
        where = f'{r["model"]} {r["file_list"]} on {bt["backend"]}/{bt["target"]} trial {r.get("trial")}'
        targets.add(bt["index"])
        status, precision = r["status"], r["precision"]
        state = (r.get("device") or {}).get("state", "-")
        if status.lower() == "failed":
            problems.append(f"FAILED: {where}: {r['message']}")
        if precision == "int8bq":
            if status == "unsupported" and "Node [" not in r["message"]:
                problems.append(f"int8bq unsupported without the node named: {where}: {r['message']}")
            else:
                notes.append(f"int8bq {status}: {where}: {r['message'] or state}")
        if precision == "int8" and bt["index"] in (1, 2) and status == "ok":
            if state != "fallback":
                problems.append(f"int8 on CUDA not flagged as fallback (placement {state}): {where}")
            else:
                notes.append(f"int8 fallback flagged: {where}")
        if r["model"] == "NanoDet" and status == "ok":
            nanodet_targets.add(bt["index"])
    missing = targets - nanodet_targets
    if missing:
        problems.append(f"NanoDet not measured on target(s) {sorted(missing)}")
    for line in notes:
        print("ok:", line)
    for line in problems:
        print("PROBLEM:", line)
    print(f"check_new_families: {len(problems)} problem(s), {len(notes)} note(s), targets {sorted(targets)}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check_new_families.py RESULTS.json")
    sys.exit(main(sys.argv[1]))
