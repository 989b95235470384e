#!/usr/bin/env python3
"""Checks a cross-hardware report's SVG chart against its CSV with real parsers (xml.etree, csv).

Usage: check_chart.py CHART.svg TABLE.csv
Every CSV line (one measured cell) must have exactly one <rect class="bar"> with the same model label,
column and median; bars without a CSV line fail too. Every other model x column has exactly one
<text class="absent"> mark ("- not measured"), so each value gets one mark. Each column (file x target
series) has one fill, and no two columns share it. Prints "bars N cells N absent A series S fills F"
and exits 0 when all that holds, 1 with the first mismatch otherwise.
"""
import csv
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def main(svg_path, csv_path):
    root = ET.parse(svg_path).getroot()
    if root.tag != SVG + "svg":
        print(f"root element is {root.tag}, not svg")
        return 1
    bars = {}
    fills = {}
    for rect in root.iter(SVG + "rect"):
        if rect.get("class") != "bar":
            continue
        key = (rect.get("data-model"), rect.get("data-column"))
        if key in bars:
            print(f"two bars for {key}")
            return 1
        fills.setdefault(key[1], set()).add(rect.get("fill"))
        if float(rect.get("width")) <= 0:
            print(f"bar {key} has no width")
            return 1
        bars[key] = float(rect.get("data-ms"))
    with open(csv_path, newline="") as f:
        cells = list(csv.DictReader(f))
    for cell in cells:
        size = cell["input_size"] if cell["input_size"] != "-" else ""
        key = (f"{cell['model']} {cell['files']} {size}", f"{cell['machine']} {cell['target']}")
        if key not in bars:
            print(f"no bar for {key}")
            return 1
        if abs(bars[key] - float(cell["median_ms"])) > 1e-4 * float(cell["median_ms"]):
            print(f"bar {key} shows {bars[key]} ms, the CSV says {cell['median_ms']}")
            return 1
    absent = set()
    for text in root.iter(SVG + "text"):
        if text.get("class") != "absent":
            continue
        key = (text.get("data-model"), text.get("data-column"))
        if key in bars or key in absent:
            print(f"{key} has a bar or an absent mark already")
            return 1
        if not text.text.startswith("- not measured"):
            print(f"absent mark {key} says {text.text!r}")
            return 1
        absent.add(key)
    models = {k[0] for k in bars} | {k[0] for k in absent}
    columns = {k[1] for k in bars} | {k[1] for k in absent}
    if len(bars) + len(absent) != len(models) * len(columns):
        print(f"{len(bars)} bars and {len(absent)} absent marks for {len(models)} models x {len(columns)} columns")
        return 1
    for column, fill in fills.items():
        if len(fill) != 1:
            print(f"column {column} has fills {sorted(fill)}")
            return 1
    distinct = {next(iter(f)) for f in fills.values()}
    print(f"bars {len(bars)} cells {len(cells)} absent {len(absent)} series {len(fills)} fills {len(distinct)}")
    return 0 if len(bars) == len(cells) and len(distinct) == len(fills) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
